"""The alias generator: a plausible Chinese name (common surname + one or two
given-name characters), or an alias phrase, chosen with `secrets` from curated
lists. It never looks at the true name except to refuse a candidate that equals
it or overlaps it, and a name generated once is never generated again
(uniqueness among published aliases is enforced by the caller's `is_taken`).

Each alias comes with a pinyin form for the English site.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from pypinyin import lazy_pinyin

# Common surnames with their surname reading (some characters read differently
# as surnames, e.g. 单 Shan, 曾 Zeng, 解 Xie).
SURNAMES = {
    "王": "Wang",
    "李": "Li",
    "张": "Zhang",
    "刘": "Liu",
    "陈": "Chen",
    "杨": "Yang",
    "黄": "Huang",
    "赵": "Zhao",
    "吴": "Wu",
    "周": "Zhou",
    "徐": "Xu",
    "孙": "Sun",
    "马": "Ma",
    "朱": "Zhu",
    "胡": "Hu",
    "郭": "Guo",
    "何": "He",
    "林": "Lin",
    "罗": "Luo",
    "高": "Gao",
    "郑": "Zheng",
    "梁": "Liang",
    "谢": "Xie",
    "宋": "Song",
    "唐": "Tang",
    "许": "Xu",
    "韩": "Han",
    "冯": "Feng",
    "邓": "Deng",
    "曹": "Cao",
    "彭": "Peng",
    "曾": "Zeng",
    "肖": "Xiao",
    "田": "Tian",
    "董": "Dong",
    "潘": "Pan",
    "袁": "Yuan",
    "蔡": "Cai",
    "蒋": "Jiang",
    "余": "Yu",
    "于": "Yu",
    "杜": "Du",
    "叶": "Ye",
    "程": "Cheng",
    "魏": "Wei",
    "苏": "Su",
    "吕": "Lyu",
    "丁": "Ding",
    "任": "Ren",
    "卢": "Lu",
    "姚": "Yao",
    "沈": "Shen",
    "钟": "Zhong",
    "姜": "Jiang",
    "崔": "Cui",
    "谭": "Tan",
    "陆": "Lu",
    "范": "Fan",
    "汪": "Wang",
    "廖": "Liao",
    "石": "Shi",
    "金": "Jin",
    "韦": "Wei",
    "贾": "Jia",
    "夏": "Xia",
    "付": "Fu",
    "方": "Fang",
    "邹": "Zou",
    "熊": "Xiong",
    "白": "Bai",
    "孟": "Meng",
    "秦": "Qin",
    "邱": "Qiu",
    "侯": "Hou",
    "江": "Jiang",
    "尹": "Yin",
    "薛": "Xue",
    "闫": "Yan",
    "段": "Duan",
    "雷": "Lei",
    "龙": "Long",
    "黎": "Li",
    "史": "Shi",
    "陶": "Tao",
    "贺": "He",
    "毛": "Mao",
    "郝": "Hao",
    "顾": "Gu",
    "龚": "Gong",
    "邵": "Shao",
    "万": "Wan",
    "覃": "Qin",
    "武": "Wu",
    "钱": "Qian",
    "戴": "Dai",
    "严": "Yan",
    "莫": "Mo",
    "孔": "Kong",
    "向": "Xiang",
    "常": "Chang",
    "单": "Shan",
    "解": "Xie",
}

# Given-name characters common in names of every generation, with one clear reading.
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰红梅兵辉鹏飞建国志"
    "文斌宇浩凯健俊帆帅旭宁晨阳欣怡雪琳晶婷颖慧佳嘉悦彤雨萱子涵博宏晓春松"
    "林柏青海波清泉山川德仁义礼信诚忠孝安康福寿喜庆荣昌盛兴富贵永长云天星"
    "月光亮新立成功胜利民生学思远航毅坚振宗泽润达凡诗书琴秋冬夏"
)

# Alias phrases a person might choose: an adjective of awakening + who they are.
PHRASE_HEADS = ("明白的", "觉醒的", "清醒的", "良知", "正直的", "不再沉默的", "自由的", "向善的")
PHRASE_TAILS = ("教师", "工人", "农民", "老兵", "学生", "医生", "干部", "警察", "母亲", "父亲")
_PHRASE_LATIN = {
    "明白的": "Clear-minded",
    "觉醒的": "Awakened",
    "清醒的": "Sober",
    "良知": "Conscience",
    "正直的": "Upright",
    "不再沉默的": "No-longer-silent",
    "自由的": "Free",
    "向善的": "Good-hearted",
    "教师": "Teacher",
    "工人": "Worker",
    "农民": "Farmer",
    "老兵": "Veteran",
    "学生": "Student",
    "医生": "Doctor",
    "干部": "Cadre",
    "警察": "Police Officer",
    "母亲": "Mother",
    "父亲": "Father",
}

MAX_ATTEMPTS = 200


@dataclass(frozen=True)
class Alias:
    name: str
    latin: str


class AliasSpaceExhausted(RuntimeError):
    pass


def _given_latin(given: str) -> str:
    return "".join(lazy_pinyin(given)).capitalize()


def random_name(given_length: int | None = None) -> Alias:
    surname = secrets.choice(list(SURNAMES))
    length = given_length or secrets.choice((1, 2, 2, 2))
    given = "".join(secrets.choice(GIVEN) for _ in range(length))
    return Alias(surname + given, f"{SURNAMES[surname]} {_given_latin(given)}")


def random_phrase() -> Alias:
    head = secrets.choice(PHRASE_HEADS)
    tail = secrets.choice(PHRASE_TAILS)
    number = secrets.randbelow(900) + 100
    return Alias(f"{head}{tail}{number}", f"{_PHRASE_LATIN[head]} {_PHRASE_LATIN[tail]} {number}")


def _overlaps(candidate: str, true_name: str) -> bool:
    if not true_name:
        return False
    return candidate == true_name or candidate in true_name or true_name in candidate


def generate(
    true_name: str = "",
    is_taken: Callable[[str], bool] = lambda name: False,
    style: str = "name",
) -> Alias:
    """A fresh alias that is not the true name and not `is_taken`.

    When short names run out (the registry is large), longer given names widen
    the space: 100 surnames x 180 characters^3 is more than 500 million names.
    """
    for attempt in range(MAX_ATTEMPTS):
        if style == "phrase":
            candidate = random_phrase()
        else:
            candidate = random_name(3 if attempt >= MAX_ATTEMPTS // 2 else None)
        if _overlaps(candidate.name, true_name) or is_taken(candidate.name):
            continue
        return candidate
    raise AliasSpaceExhausted("No free alias found; widen the curated lists.")
