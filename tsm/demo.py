"""A believable demo region, DEMO (演示区域), as workbook rows.

Deterministic (seeded) so that screenshots and tests see the same region.
Everything goes through the ordinary import path; only what the workbook
does not carry (passwords, competitors and their scores) is written here.
"""

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from tsm.lib.periods import add_months, month_label, month_start

PRODUCTS = [
    ("DL01", "互联网专线", "数据业务"),
    ("DL02", "数字电路", "数据业务"),
    ("VO01", "语音专线", "语音业务"),
    ("VA01", "集团短信", "增值业务"),
    ("CL01", "云主机", "云与IDC"),
    ("CL02", "IDC 托管", "云与IDC"),
]
MANAGERS = [("manager1", "李娜"), ("manager2", "王强"), ("manager3", "刘洋"), ("manager4", "陈静")]
DIRECTOR = ("director", "张伟")
EXECUTIVE = ("executive", "赵总")
PASSWORD = "demo1234"

_CITY = ["苏州", "无锡", "常州", "南通", "扬州", "镇江", "泰州", "盐城", "徐州", "淮安"]
_WORD = ["恒瑞", "华信", "金桥", "东方", "远航", "天成", "瑞丰", "中科", "宏图", "汇通", "博源", "新纪元",
         "长江", "海润", "国泰", "德信", "永安", "众诚", "鼎盛", "明珠", "锦程", "联创", "开元", "正泰"]
_KIND = [("物流", "交通物流"), ("银行", "金融"), ("证券", "金融"), ("制造", "制造业"), ("电子", "制造业"),
         ("医院", "医疗卫生"), ("学院", "教育"), ("商贸", "批发零售"), ("超市", "批发零售"), ("软件", "信息技术"),
         ("数据", "信息技术"), ("地产", "房地产"), ("酒店", "住宿餐饮"), ("化工", "制造业"), ("能源", "能源")]
_SUFFIX = ["有限公司", "股份有限公司", "集团有限公司"]
_SURNAME = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞"]
_TITLE = [("总经理", ["decider"]), ("副总经理", ["decider", "evaluator"]), ("信息中心主任", ["initiator", "evaluator"]),
          ("采购经理", ["searcher"]), ("IT 工程师", ["user"]), ("财务总监", ["evaluator", "decider"]),
          ("办公室主任", ["initiator", "searcher"]), ("网络管理员", ["user", "initiator"])]
_PROJECT = ["扩容", "新建", "升级改造", "异地灾备", "分支机构接入", "融合通信", "上云迁移", "续约"]
EVIDENCE = [f"E{i}" for i in range(1, 13)]
Q = Decimal("0.01")


def _money(x: float) -> str:
    return str(Decimal(str(max(x, 0))).quantize(Q, rounding=ROUND_HALF_UP))


def build(today: dt.date, n_customers: int = 300, n_projects: int = 400, seed: int = 2026) -> dict:
    rnd = random.Random(seed)
    last = add_months(month_start(today), -1)
    months = [add_months(last, -i) for i in range(23, -1, -1)]  # 24 months ending last month

    customers, contributions, projects, contacts = [], [], [], []
    names = set()
    for i in range(1, n_customers + 1):
        while True:
            kind, industry = rnd.choice(_KIND)
            name = f"{rnd.choice(_CITY)}{rnd.choice(_WORD)}{kind}{rnd.choice(_SUFFIX)}"
            if name not in names:
                names.add(name)
                break
        manager = MANAGERS[(i - 1) % len(MANAGERS)][0]
        code = f"C{i:04d}"
        row = {"code": code, "name": name, "industry": industry, "manager": manager}
        if rnd.random() < 0.85:  # most customers scored; the rest show as 待评估
            for f in ("high_ground", "referral", "payment_terms", "learning_opportunity",
                      "future_product_acceptance", "credit", "procurement_ease",
                      "competitive_situation", "comparative_ability", "strategic_intent", "attention",
                      "profit_contribution", "continuous_purchase"):
                row[f] = str(rnd.choice([1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]))
        customers.append(row)

        # Pareto-like sizes: a few large customers hold most of the revenue.
        size = rnd.lognormvariate(9.2, 1.25)
        trend = rnd.choice([-0.02, -0.01, 0, 0.005, 0.01, 0.02, 0.03])
        bad_payer = rnd.random() < 0.05
        n_products = rnd.choice([1, 1, 2, 2, 3, 4])
        for code_p, _, _ in rnd.sample(PRODUCTS, n_products):
            share = rnd.uniform(0.2, 1.0)
            margin = rnd.uniform(-0.25, 0.55) if rnd.random() < 0.15 else rnd.uniform(0.15, 0.6)
            start = 0 if rnd.random() < 0.85 else rnd.randint(3, 18)
            for k, month in enumerate(months):
                if k < start:
                    continue
                revenue = size * share * (1 + trend) ** k * rnd.uniform(0.9, 1.1)
                cost = revenue * (1 - margin)
                arrears = revenue * rnd.uniform(2.5, 5) if bad_payer and k >= 20 else (
                    revenue * rnd.uniform(0, 0.3) if rnd.random() < 0.1 else 0)
                contributions.append({"customer": code, "product": code_p, "month": month_label(month),
                                      "revenue": _money(revenue), "cost": _money(cost), "arrears": _money(arrears)})

        for _ in range(rnd.choice([1, 2, 2, 3, 4, 5])):
            title, roles = rnd.choice(_TITLE)
            person = f"{rnd.choice(_SURNAME)}{rnd.choice(_GIVEN)}{rnd.choice(['', rnd.choice(_GIVEN)])}"
            met = today - dt.timedelta(days=rnd.randint(0, 400)) if rnd.random() < 0.85 else None
            contacts.append({"customer": code, "name": person, "title": title, "roles": ",".join(roles),
                             "attitude": rnd.choice(["support", "support", "neutral", "neutral", "oppose"]),
                             "last_met": met.isoformat() if met else "", "projects": ""})

    # dedupe contact names per customer (the import matches on customer + name)
    seen, unique_contacts = set(), []
    for c in contacts:
        if (c["customer"], c["name"]) not in seen:
            seen.add((c["customer"], c["name"]))
            unique_contacts.append(c)
    contacts = unique_contacts
    by_customer = {}
    for c in contacts:
        by_customer.setdefault(c["customer"], []).append(c)

    for j in range(1, n_projects + 1):
        cust = rnd.choice(customers)
        code_p, pname, _ = rnd.choice(PRODUCTS)
        status = rnd.choices(["open", "won", "lost", "abandoned"], [80, 10, 7, 3])[0]
        # close dates over every layer: overdue, bottom, middle, surface
        span = rnd.choices([(-20, -1), (0, 14), (15, 70), (71, 240)], [6, 24, 35, 35])[0]
        days = rnd.randint(*span)
        level = rnd.choices([0, 1, 2, 3, 4], [15, 30, 25, 20, 10])[0]
        ticked = EVIDENCE[: level * 3]
        extra = [e for e in EVIDENCE[level * 3:] if rnd.random() < 0.15]
        amount = rnd.lognormvariate(12, 1.1)
        code = f"P{j:04d}"
        projects.append({
            "code": code, "name": f"{cust['name'][:6]}{pname}{rnd.choice(_PROJECT)}", "customer": cust["code"],
            "product": code_p, "manager": cust["manager"], "amount": _money(amount),
            "expected_close": (today + dt.timedelta(days=days)).isoformat(), "status": status,
            "tariff_effect": rnd.choices(["increase", "decrease"], [85, 15])[0],
            "kill_degree": rnd.choice(["high", "low"]), "evidence": ",".join(ticked + extra),
        })
        linked = by_customer.get(cust["code"], [])
        for contact in rnd.sample(linked, min(len(linked), rnd.randint(0, 3))):
            contact["projects"] = ",".join(filter(None, [contact["projects"], code]))

    return {
        "products": [{"code": c, "name": n, "series": s} for c, n, s in PRODUCTS],
        "customers": customers,
        "contributions": contributions,
        "projects": projects,
        "contacts": contacts,
    }


COMPETITORS = {
    # series: [(name, rank, share, scores 1-5 on the nine dimensions)]
    "数据业务": [("联通政企", 1, "0.32", [4, 4, 3, 3, 3, 4, 3, 4, 3]), ("广电网络", 2, "0.12", [3, 2, 2, 4, 2, 2, 2, 3, 2]),
                ("铁塔智联", 3, "0.06", [3, 3, 2, 3, 2, 2, 3, 2, 2])],
    "云与IDC": [("阿里云", 1, "0.38", [5, 5, 4, 3, 5, 4, 3, 3, 4]), ("华为云", 2, "0.22", [5, 4, 4, 3, 4, 4, 4, 4, 4]),
               ("世纪互联", 3, "0.08", [3, 3, 3, 3, 2, 3, 3, 3, 3])],
    "语音业务": [("联通政企", 1, "0.30", [4, 3, 3, 3, 3, 3, 3, 4, 3])],
    "增值业务": [("联通政企", 1, "0.28", [3, 3, 3, 4, 3, 3, 3, 3, 3])],
}
# Goal, reaction profile (§3.3) and likely trends of the competitors by their rank in a series.
COMPETITOR_PROFILES = {
    1: {"goal": "long_term_market", "reaction": "fierce",
        "reaction_note": "以价格换份额，我方一有动作就重点冲击我方大客户",
        "trend_product": "加大云网融合投入，推出行业专属套餐",
        "trend_operation": "价格可能继续下探，捆绑终端和云资源优惠",
        "trend_organisation": "政企团队扩编，按行业设客户经理"},
    2: {"goal": "target_customers", "reaction": "selective",
        "reaction_note": "只在金融、政务等重点客户上跟进，其他客户不主动应对",
        "trend_product": "补齐专线产品线，与设备厂商合作做解决方案",
        "trend_operation": "以重点客户为突破口，高层公关和免费试用并用",
        "trend_organisation": "从同行挖客户经理，组建行业拓展小组"},
    3: {"goal": "short_term_profit", "reaction": "laid_back",
        "reaction_note": "局部跟进，择机渗透，很少正面降价",
        "trend_product": "维持现有产品，少有新品",
        "trend_operation": "靠渠道代理销售，压缩直销成本",
        "trend_organisation": "本地团队可能收缩"},
}
OUR_SCORES = {"数据业务": [4, 4, 4, 3, 3, 4, 4, 4, 3], "云与IDC": [3, 3, 4, 4, 3, 4, 4, 4, 3],
              "语音业务": [4, 4, 4, 3, 3, 4, 4, 4, 4], "增值业务": [4, 3, 3, 4, 3, 4, 3, 4, 3]}
OUR_SHARE = {"数据业务": "0.41", "云与IDC": "0.12", "语音业务": "0.52", "增值业务": "0.47"}


# 需求分析 (DOMAIN §3.2) per industry: (决策人的需求, 公司的需求, 产业的需求). The workbook does
# not carry needs, so load_demo writes them after the import.
_NEEDS = {
    "交通物流": ("分管副总关注全国网点调度系统不断线，希望投入可控、三个月内见效",
             "新建区域分拨中心，需要专线互联和视频监控回传，旺季带宽能临时扩容",
             "物流行业数字化加速，电子运单和车货匹配平台对网络时延、稳定性要求越来越高"),
    "金融": ("科技部总经理最看重监管合规和同城双活，出了中断要能说清责任",
           "核心系统两地三中心改造，需要双路由专线和灾备机房",
           "监管对数据安全和业务连续性的要求逐年提高，网点向智能化、轻型化转型"),
    "制造业": ("总经理要求降本增效，IT 投入要说明对产能和良率的贡献",
            "工厂 MES 和设备联网上云，需要车间无线覆盖和到总部的稳定专线",
            "智能制造和工业互联网政策推动设备上云；行业利润率走低，对价格敏感"),
    "医疗卫生": ("院长关注等级评审和患者满意度，信息科主任关注系统稳定",
             "HIS、PACS 影像调阅和远程会诊需要大带宽、低时延的院区互联",
             "分级诊疗和互联网医院推进，医保结算和医疗数据安全要求严格"),
    "教育": ("分管校领导关注智慧校园建设的示范效果和经费使用合规",
           "新校区网络覆盖、录播教室和一卡通系统需要统一接入",
           "教育信息化持续推进，经费按年度预算下达，采购集中在下半年"),
    "批发零售": ("老板关注门店开业速度和每家店的网络成本",
             "门店收银、会员系统和监控统一上云，新开门店两周内要开通",
             "线上线下融合，门店开关频繁，需要标准化、可快速复制的方案"),
    "信息技术": ("CTO 关注技术指标和服务响应，愿意为明确的 SLA 付费",
             "研发测试环境上云、办公网与机房互联，带宽要能按需扩容",
             "软件企业普遍上云，对云网一体、弹性计费的方案接受度高"),
    "房地产": ("集团信息总监关注成本管控，倾向供应商集中采购",
            "售楼处和项目部临时网络要快速开通，物业社区要做智能化改造",
            "行业调整期投资收紧，更看重性价比；智慧社区和物业服务是新增长点"),
    "住宿餐饮": ("总经理关注客人上网体验和投诉率",
             "客房 Wi-Fi 升级，前台和点餐系统节假日高峰不能掉线",
             "文旅消费回暖，连锁化经营、线上点评和会员营销成为竞争重点"),
    "能源": ("分管副总关注安全生产和调度系统的可靠性",
           "场站监控数据回传，调度中心与场站之间需要专网和备份链路",
           "新能源装机增长快，场站偏远分散，对广覆盖和安全隔离要求高"),
}
NEEDS_FIELDS = ("decider_needs", "company_needs", "industry_needs", "procurement_procedure")
_PROCEDURES = [
    "信息中心提出需求，采购部组织三家比价，总经理办公会审批；合同一年一签",
    "年度预算内的项目公开招标，评标委员会综合评分，价格分占 40%",
    "50 万元以下由分管副总审批后直接采购；50 万元以上走集团招采平台招标",
    "列入政府采购目录，在政府采购平台竞争性磋商；财政预算下半年下达",
    "IT 部门技术选型，财务部议价，董事长最终签字",
]


def needs(customers: list[dict], seed: int = 2026) -> dict[str, dict[str, str]]:
    """The needs texts of the demo customers (rows of `build`), by customer code.

    Most have all four written; about one in four lacks one or more of the
    three needs, so that the director's check 是否清晰了解决策人、公司和产业的需求
    has customers to name. A random generator of its own: `build` stays as it was."""
    rnd = random.Random(seed + 1)
    out = {}
    for row in customers:
        decider, company, industry = _NEEDS[row["industry"]]
        texts = dict(zip(NEEDS_FIELDS, (decider, company, industry, rnd.choice(_PROCEDURES))))
        if rnd.random() < 0.25:
            for field in rnd.sample(["decider_needs", "company_needs", "industry_needs"], rnd.randint(1, 3)):
                texts[field] = ""
            if rnd.random() < 0.5:
                texts["procurement_procedure"] = ""
        out[row["code"]] = texts
    return out
