"""The project's own place names, which override pycountry's where they differ.

Why this exists: pycountry's Chinese catalogues follow PRC usage. Its zh_CN
catalogue calls Taiwan "中国台湾省" (and its zh_TW one "中華民國"), styles
North Korea and Laos by the communist party-states' own titles, and has no
Chinese for Ningxia, so a Chinese page showed "Ningxia Huizu Zizhiqu". Every
word on this site is read by people who have just left the Chinese Communist
Party; the names they read are the ones they write, never the regime's.
`places.py` looks here first and asks the library only for what is not here.

Decisions:

- Taiwan is 台湾 / 臺灣 / Taiwan: a place, never a province of China, and not
  a state title either. Hong Kong and Macau are named as themselves, 香港 /
  香港 / Hong Kong and 澳门 / 澳門 / Macau (the Portuguese spelling, the more
  common one in English), and are chosen as countries or territories, never
  as provinces (their codes CN-HK, CN-MO and CN-TW are not in the province list).
- The 31 mainland divisions are named in the short form people write and say:
  河北, 北京, 内蒙古, 广西, 西藏, 宁夏, 新疆 — never 河北省, 北京市 or
  "…自治区". One style for all: short names read better in a list, and the
  "autonomous region" titles are the regime's framing (the Tibetans, Uyghurs
  and others they name have no autonomy). English likewise: Inner Mongolia,
  Guangxi, Tibet (not the regime's "Xizang"), Ningxia, Xinjiang. Each is
  given in Simplified and Traditional Chinese here, not converted at run time.
- A country is named by its short common name, as the English page already
  shows it. The library's long official forms are replaced where it uses them:
  朝鲜民主主义人民共和国 and 老挝人民民主共和国 are the party-states' own
  titles; 大韩民国, 伊朗伊斯兰共和国, 阿拉伯叙利亚共和国, 摩尔多瓦共和国,
  委内瑞拉玻利瓦尔共和国, 玻利维亚共和国 (a name Bolivia dropped in 2009) and
  zh_TW's 坦尚尼亞聯合共和國, 俄羅斯聯邦 and 教廷 (梵蒂岡城市國) are long
  forms no one writes in a list (the English names of these are short too).
  North Korea is 朝鲜 in Simplified (what mainland readers say) and 北韓 in
  Traditional (what Traditional-script readers say); South Korea 韩国 / 韓國.
- Plain errors are fixed: zh_CN writes Cambodia "柬埔塞" (for 柬埔寨).
- Every other country keeps the library's name: zh_CN for Simplified and
  zh_TW for Traditional pages; every one of them is in Chinese (a test checks
  that no Chinese page shows a Latin letter in a place name). Kosovo has no
  ISO 3166-1 code in pycountry and is not added: the accepted country codes
  are the library's, and the public log records them.
"""

from typing import NamedTuple


class Names(NamedTuple):
    """One place's name in each of the site's languages."""

    zh_hans: str
    zh_hant: str
    en: str

    def in_language(self, language: str) -> str:
        if language == "zh-hans":
            return self.zh_hans
        if language == "zh-hant":
            return self.zh_hant
        return self.en


# ISO 3166-1 alpha-2 code -> names that override the library's.
COUNTRIES: dict[str, Names] = {
    "TW": Names("台湾", "臺灣", "Taiwan"),
    "HK": Names("香港", "香港", "Hong Kong"),
    "MO": Names("澳门", "澳門", "Macau"),
    "KP": Names("朝鲜", "北韓", "North Korea"),
    "KR": Names("韩国", "韓國", "South Korea"),
    "LA": Names("老挝", "寮國", "Laos"),
    "IR": Names("伊朗", "伊朗", "Iran"),
    "SY": Names("叙利亚", "敘利亞", "Syria"),
    "MD": Names("摩尔多瓦", "摩爾多瓦", "Moldova"),
    "VE": Names("委内瑞拉", "委內瑞拉", "Venezuela"),
    "BO": Names("玻利维亚", "玻利維亞", "Bolivia"),
    "TZ": Names("坦桑尼亚", "坦尚尼亞", "Tanzania"),
    "RU": Names("俄罗斯", "俄羅斯", "Russia"),
    "VA": Names("梵蒂冈", "梵蒂岡", "Vatican City"),
    "KH": Names("柬埔寨", "柬埔寨", "Cambodia"),
}

# ISO 3166-2:CN code -> names, for every one of the 31 mainland divisions.
PROVINCES: dict[str, Names] = {
    "CN-AH": Names("安徽", "安徽", "Anhui"),
    "CN-BJ": Names("北京", "北京", "Beijing"),
    "CN-CQ": Names("重庆", "重慶", "Chongqing"),
    "CN-FJ": Names("福建", "福建", "Fujian"),
    "CN-GD": Names("广东", "廣東", "Guangdong"),
    "CN-GS": Names("甘肃", "甘肅", "Gansu"),
    "CN-GX": Names("广西", "廣西", "Guangxi"),
    "CN-GZ": Names("贵州", "貴州", "Guizhou"),
    "CN-HA": Names("河南", "河南", "Henan"),
    "CN-HB": Names("湖北", "湖北", "Hubei"),
    "CN-HE": Names("河北", "河北", "Hebei"),
    "CN-HI": Names("海南", "海南", "Hainan"),
    "CN-HL": Names("黑龙江", "黑龍江", "Heilongjiang"),
    "CN-HN": Names("湖南", "湖南", "Hunan"),
    "CN-JL": Names("吉林", "吉林", "Jilin"),
    "CN-JS": Names("江苏", "江蘇", "Jiangsu"),
    "CN-JX": Names("江西", "江西", "Jiangxi"),
    "CN-LN": Names("辽宁", "遼寧", "Liaoning"),
    "CN-NM": Names("内蒙古", "內蒙古", "Inner Mongolia"),
    "CN-NX": Names("宁夏", "寧夏", "Ningxia"),
    "CN-QH": Names("青海", "青海", "Qinghai"),
    "CN-SC": Names("四川", "四川", "Sichuan"),
    "CN-SD": Names("山东", "山東", "Shandong"),
    "CN-SH": Names("上海", "上海", "Shanghai"),
    "CN-SN": Names("陕西", "陝西", "Shaanxi"),
    "CN-SX": Names("山西", "山西", "Shanxi"),
    "CN-TJ": Names("天津", "天津", "Tianjin"),
    "CN-XJ": Names("新疆", "新疆", "Xinjiang"),
    "CN-XZ": Names("西藏", "西藏", "Tibet"),
    "CN-YN": Names("云南", "雲南", "Yunnan"),
    "CN-ZJ": Names("浙江", "浙江", "Zhejiang"),
}
