"""The first 招聘禁用词 and the look-alike phrases let through, kept in the admin from then on.

The banned words follow the Employment Promotion Law (就业促进法, arts. 26–31) and the rules for
recruitment information: no condition on sex, ethnicity, religious belief, household registration
or origin, disability, marriage and childbirth, or being a carrier of hepatitis B or another
pathogen; and no false promise of a job or of pay. Short forms (限男, 乙肝) catch the many ways a
notice puts it; the allowed phrases let the opposite through (不限男女, 乙肝携带者可).
"""

from django.db import migrations

BANNED = {
    "sex": ["限男", "限女", "只招男", "只招女", "不招女", "男性优先", "女性优先", "男士优先", "女士优先"],
    "ethnicity": ["限汉族", "汉族优先", "少数民族勿扰", "少数民族慎投"],
    "religion": ["无宗教信仰", "不信教", "信教者勿扰", "有宗教信仰者勿扰"],
    "origin": ["本地户口", "本地户籍", "限户籍", "城镇户口", "农村户口勿扰", "非农户口", "限本地人", "本地人优先", "外地人勿扰"],
    "disability": ["残疾人勿扰", "无残疾", "非残疾人", "肢体健全"],
    "marriage": ["已婚已育", "限未婚", "未婚优先", "未婚未育", "三年内不生育", "孕妇勿扰", "怀孕者勿扰"],
    "pathogen": ["乙肝", "澳抗阴性", "大三阳", "小三阳", "病原携带者勿扰"],
    "promise": ["保录", "包录取", "百分百录用", "稳赚", "高薪无门槛", "零门槛高薪", "日赚千元", "躺赚", "包就业", "内部指标"],
    "other": ["交押金", "收取押金"],
}

ALLOWED = [
    "不限男女",
    "男女不限",
    "性别不限",
    "民族不限",
    "有无户口均可",
    "有无本地户口均可",
    "不限本地户口",
    "不限户籍",
    "户籍不限",
    "欢迎残疾人",
    "有无残疾均可",
    "不限本地人",
    "婚育不限",
    "乙肝携带者可",
    "乙肝病毒携带者可",
    "不查乙肝",
]

SEED_NOTE = "初始词表"


def seed(apps, schema_editor):
    BannedWord = apps.get_model("jobfairs", "RecruitmentBannedWord")
    AllowedPhrase = apps.get_model("jobfairs", "RecruitmentAllowedPhrase")
    for category, words in BANNED.items():
        for word in words:
            BannedWord.objects.get_or_create(word=word, defaults={"category": category, "note": SEED_NOTE})
    for phrase in ALLOWED:
        AllowedPhrase.objects.get_or_create(phrase=phrase, defaults={"note": SEED_NOTE})


def unseed(apps, schema_editor):
    apps.get_model("jobfairs", "RecruitmentBannedWord").objects.filter(note=SEED_NOTE).delete()
    apps.get_model("jobfairs", "RecruitmentAllowedPhrase").objects.filter(note=SEED_NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("jobfairs", "0001_job_fairs")]

    operations = [migrations.RunPython(seed, unseed)]
