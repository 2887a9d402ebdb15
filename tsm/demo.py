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
OUR_SCORES = {"数据业务": [4, 4, 4, 3, 3, 4, 4, 4, 3], "云与IDC": [3, 3, 4, 4, 3, 4, 4, 4, 3],
              "语音业务": [4, 4, 4, 3, 3, 4, 4, 4, 4], "增值业务": [4, 3, 3, 4, 3, 4, 3, 4, 3]}
OUR_SHARE = {"数据业务": "0.41", "云与IDC": "0.12", "语音业务": "0.52", "增值业务": "0.47"}
