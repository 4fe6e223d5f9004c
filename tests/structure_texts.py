"""Real-shaped Chinese texts for the three structures of issue 11, shared by the section-finder tests and
the tests that read them in every source form (.txt, plain and styled .docx, .html).

Each text carries the look-alikes that must stay body text. Lines are paragraphs; `STYLE` says how a
styled Word file sets each kind of line (fonts as Chinese office documents use them).
"""

from __future__ import annotations

# --------------------------------------------------------------------------- 1. unnumbered part titles

# A county government work report: parts whose titles stand alone without a number, the 一、 series
# restarting in each part, （一） and 一是 below. Look-alikes: the speaker and date lines under the title,
# an emphasised line inside a series, an exclamation, and the signature and date at the end.
REPORT_TITLE = "2024年岚川县政府工作报告"
REPORT = [
    ("title", REPORT_TITLE),
    ("front", "——2024年1月10日在岚川县第十八届人民代表大会第四次会议上"),
    ("front", "县长 林晓峰"),
    ("body", "各位代表："),
    ("body", "现在，我代表县人民政府，向大会报告工作，请予审议，并请县政协委员和其他列席人员提出意见。"),
    ("part", "过去一年工作回顾"),
    ("body", "2023年是全面贯彻党的二十大精神的开局之年。一年来，我们主要做了以下工作："),
    ("cn", "一、聚焦稳增长，经济运行持续回升。全年地区生产总值增长6.2%，规模以上工业增加值增长8.1%。"),
    ("cn", "二、聚焦强产业，发展动能不断增强。新开工亿元以上项目32个，富硒茶产业综合产值突破20亿元。"),
    ("emphasis", "发展是第一要务"),
    ("body", "我们坚持把发展作为解决一切问题的基础和关键，全县上下形成了抓发展、促发展的浓厚氛围。"),
    ("cn", "三、聚焦惠民生，群众获得感明显提升。民生支出占一般公共预算支出的80%以上。"),
    ("body", "在肯定成绩的同时，我们也清醒看到，经济持续回升向好的基础还不稳固。"),
    ("part", "今年经济社会发展总体要求和主要目标"),
    (
        "body",
        "今年是实现“十四五”规划目标任务的关键一年。全县经济社会发展的主要预期目标是：地区生产总值增长6%左右。",
    ),
    ("part", "今年重点工作"),
    ("cn", "一、坚定不移抓项目扩投资"),
    ("paren", "（一）全力推进重大项目建设。实行县级领导包抓重点项目制度，确保全年完成投资100亿元以上。"),
    ("body", "一是抓谋划。围绕国家政策导向储备一批大项目、好项目。"),
    ("body", "二是抓开工。确保签约项目早开工、早投产、早见效。"),
    ("paren", "（二）持续优化投资结构。加大工业投资和民间投资比重，提高投资效益。"),
    ("cn", "二、坚定不移兴产业强实体"),
    ("body", "做大做强富硒茶产业，建设标准化茶园5万亩。抓好新材料产业园建设，培育壮大新兴产业。"),
    ("cn", "三、坚定不移惠民生增福祉"),
    ("body", "全力办好十件民生实事，让发展成果更多更公平惠及全县人民。"),
    ("part", "全面加强政府自身建设"),
    ("body", "我们要坚持依法行政，自觉接受人大法律监督、工作监督和政协民主监督。"),
    ("body", "撸起袖子加油干！"),
    ("body", "各位代表！新的征程催人奋进，新的使命重任在肩。让我们为谱写岚川高质量发展新篇章而努力奋斗！"),
    ("signature", "岚川县人民政府"),
    ("signature", "2024年1月10日"),
]
REPORT_OUTLINE = [
    "1:过去一年工作回顾",
    "2:一、聚焦稳增长，经济运行持续回升。",
    "2:二、聚焦强产业，发展动能不断增强。",
    "2:三、聚焦惠民生，群众获得感明显提升。",
    "1:今年经济社会发展总体要求和主要目标",
    "1:今年重点工作",
    "2:一、坚定不移抓项目扩投资",
    "3:（一）全力推进重大项目建设。",
    "4:一是抓谋划。",
    "4:二是抓开工。",
    "3:（二）持续优化投资结构。",
    "2:二、坚定不移兴产业强实体",
    "2:三、坚定不移惠民生增福祉",
    "1:全面加强政府自身建设",
]
# Only a styled source can tell this one from a part title: a bold emphasised line set like body text
# after the last section of a part, where a part title could stand.
STYLED_EMPHASIS = "奋力开创高质量发展新局面"

# How a styled Word file sets each kind of line: (East Asian font, bold, centred).
STYLE = {
    "title": ("方正小标宋简体", False, True),
    "front": ("楷体_GB2312", False, True),
    "part": ("黑体", False, True),
    "cn": ("黑体", False, False),
    "paren": ("楷体_GB2312", False, False),
    "emphasis": ("仿宋_GB2312", True, False),
    "body": ("仿宋_GB2312", False, False),
    "signature": ("仿宋_GB2312", False, False),
}


def report_lines(*, styled_emphasis: bool = False) -> list[tuple[str, str]]:
    """The report as (kind, text) lines; with the styled-only look-alike before the second part title."""
    lines = list(REPORT)
    if styled_emphasis:
        at = lines.index(("part", "今年经济社会发展总体要求和主要目标"))
        lines[at:at] = [("emphasis", STYLED_EMPHASIS), ("body", "我们有信心、有能力完成今年的目标任务。")]
    return lines


# --------------------------------------------------------------------------- 2. markers alone on a line

# Copied text in which each enumerated marker stands on a line of its own. Look-alikes: 首先 opening a
# sentence without a comma (no marker), and the closing address to the audience.
MARKER_LINES_TITLE = "在全县安全生产工作会议上的讲话"
MARKER_LINES = [
    MARKER_LINES_TITLE,
    "同志们：",
    "今天召开全县安全生产工作会议，主要任务是分析形势、部署工作。",
    "首先感谢同志们一年来的辛勤付出。下面，我讲三点意见。",
    "一、清醒认识当前安全生产形势",
    "今年以来，全县安全生产形势总体平稳，但事故隐患依然较多。",
    "首先，",
    "思想认识还不到位。一些企业重效益、轻安全，安全投入不足。",
    "其次，",
    "监管力量还比较薄弱。乡镇安监人员少、专业能力不强。",
    "二、扎实做好下一阶段重点工作",
    "一要",
    "加强组织领导，切实把安全责任扛在肩上。各级党委政府要把安全生产摆上重要议事日程。",
    "二要",
    "深化隐患排查整治。对重点行业领域开展全覆盖检查，做到不留死角。",
    "三要",
    "严格监管执法。对违法违规行为零容忍，形成有力震慑。",
    "三、切实加强安全生产保障",
    "第一，",
    "强化资金保障。县财政每年安排专项资金用于隐患整改。",
    "第二，",
    "强化队伍保障。充实基层监管力量，提升执法能力。",
    "同志们，安全生产责任重于泰山。让我们共同努力，确保全县安全生产形势持续稳定！",
]
MARKER_LINES_OUTLINE = [
    "1:一、清醒认识当前安全生产形势",
    "2:首先，思想认识还不到位。",
    "2:其次，监管力量还比较薄弱。",
    "1:二、扎实做好下一阶段重点工作",
    "2:一要加强组织领导，切实把安全责任扛在肩上。",
    "2:二要深化隐患排查整治。",
    "2:三要严格监管执法。",
    "1:三、切实加强安全生产保障",
    "2:第一，强化资金保障。",
    "2:第二，强化队伍保障。",
]


def marker_lines_joined() -> list[str]:
    """The same speech with each marker on the line of its text: the outline must be the same."""
    joined: list[str] = []
    for line in MARKER_LINES:
        if joined and joined[-1] in ("首先，", "其次，", "一要", "二要", "三要", "第一，", "第二，"):
            joined[-1] += line
        else:
            joined.append(line)
    return joined


# --------------------------------------------------------------------------- 3. unbroken text

# A speech scraped with every paragraph run together. Look-alikes inside the run: 一、二、三 in a
# quotation and in 一、二、三等奖, an inline list after a colon whose items end in semicolons.
UNBROKEN_TITLE = "在全县经济工作会议上的讲话"
UNBROKEN = (
    "同志们：今天，县委、县政府召开全县经济工作会议，主要任务是总结去年工作，部署今年任务。"
    "刚才，张县长作了很好的讲话，我完全同意。现在，我讲三点意见。"
    "一、充分认识做好今年工作的重要意义去年以来，全县上下认真贯彻落实中央和省市决策部署，经济运行稳中有进。"
    "全年地区生产总值增长6.5%，高于全市平均水平。“一、二、三产业融合发展”的格局初步形成，"
    "全县企业获得全省科技进步一、二、三等奖各一项。但也要清醒看到，我们面临的困难和挑战依然不少，"
    "主要有：一、经济下行压力较大；二、项目支撑不足；三、民生短板较多。"
    "首先，经济下行压力仍然较大。部分企业生产经营困难，工业增速回落。"
    "其次，项目支撑不足。新开工项目数量减少，储备项目质量不高。"
    "最后，民生短板较多。教育医疗资源不足，城乡差距依然较大。"
    "二、准确把握今年工作的总体要求今年是全面贯彻党的二十大精神的开局之年，做好今年工作意义重大。"
    "总的要求是：坚持稳中求进工作总基调，完整、准确、全面贯彻新发展理念，加快构建新发展格局。"
    "主要预期目标是：地区生产总值增长6%左右，城乡居民收入增长与经济增长基本同步。"
    "三、全力抓好今年各项重点工作（一）坚定不移抓项目。项目是经济发展的生命线。"
    "要实行县级领导包抓重点项目制度，确保全年完成投资100亿元以上。"
    "（二）坚定不移兴产业。要做大做强富硒茶产业，培育壮大新材料等新兴产业。"
    "（三）坚定不移惠民生。要办好十件民生实事，让群众有更多获得感。"
    "同志们，做好今年工作责任重大。让我们团结一心，真抓实干，为推动全县高质量发展而努力奋斗！"
)
UNBROKEN_OUTLINE = [
    "1:一、充分认识做好今年工作的重要意义",
    "2:首先，经济下行压力仍然较大。",
    "2:其次，项目支撑不足。",
    "2:最后，民生短板较多。",
    "1:二、准确把握今年工作的总体要求",
    "1:三、全力抓好今年各项重点工作",
    "2:（一）坚定不移抓项目。",
    "2:（二）坚定不移兴产业。",
    "2:（三）坚定不移惠民生。",
]
