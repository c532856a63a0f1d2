import pytest

from columns.taxonomy import TaxonomyError, load_taxonomy

# The spec: ../shared/TAXONOMY.md, copied here so the suite never reads outside the repo.
EXPECTED = {
    "laodongmei": ["laomo-fengcai", "gongjiang-gushi", "zuimei-zhigong"],
    "gonghuodong": ["wenhuagong-dongtai", "jiceng-fengcai", "nianzhan-niansai"],
    "xuanjiang-ketang": ["laomo-jiangtang", "wuyi-ketang"],
    "zhigong-yexiao": ["xingquban", "jineng-peixun"],
    "huaigong-yuedu": ["dushu-jiaoliu", "zhigong-shuwu"],
    "zhibo-jiangang": ["zhaopin-zhibo", "gangwei-sudi"],
    "weiquan-fuwu": ["lvshi-shuofa", "shifan-tingshen", "zhengce-jiedu"],
    "gonghui-shenghuo": ["gonghuigou", "kuaile-jianshen", "huaigong-queqiao"],
    "chuangxin-chuangxiao": ["chuangxin-gongzuoshi", "chuangke-fengcai", "jishu-gongguan"],
    "nuanxin-guanai": ["xinling-yizhan", "xinjiuye-xingtai", "yipingshui"],
}


def test_shipped_file_holds_the_ten_columns_and_twenty_six_series_in_order():
    taxonomy = load_taxonomy()
    assert {column.slug: [s.slug for s in column.series] for column in taxonomy.columns} == EXPECTED
    assert [column.slug for column in taxonomy.columns] == list(EXPECTED)
    assert len(taxonomy.series) == 26
    assert [column.title for column in taxonomy.columns][:2] == ["劳动美", "工活动"]


def write(tmp_path, text):
    path = tmp_path / "taxonomy.toml"
    path.write_text(text, encoding="utf-8")
    return path


HOME = '[home]\nslug = "home"\ntitle = "首页"\n'


def test_duplicate_slug_is_rejected(tmp_path):
    path = write(
        tmp_path,
        HOME + '[[column]]\nslug = "a"\ntitle = "甲"\nseries = [{ slug = "a", title = "乙" }]\n',
    )
    with pytest.raises(TaxonomyError, match="duplicate slugs a"):
        load_taxonomy(path)


def test_slug_with_chinese_or_capitals_is_rejected(tmp_path):
    path = write(tmp_path, HOME + '[[column]]\nslug = "劳动美"\ntitle = "甲"\nseries = [{ slug = "b", title = "乙" }]\n')
    with pytest.raises(TaxonomyError, match="bad slug"):
        load_taxonomy(path)


def test_column_without_series_is_rejected(tmp_path):
    path = write(tmp_path, HOME + '[[column]]\nslug = "a"\ntitle = "甲"\n')
    with pytest.raises(TaxonomyError, match="has no series"):
        load_taxonomy(path)


def test_misspelt_key_is_rejected_rather_than_ignored(tmp_path):
    path = write(tmp_path, HOME + '[[column]]\nslug = "a"\ntitel = "甲"\nseries = [{ slug = "b", title = "乙" }]\n')
    with pytest.raises(TaxonomyError, match="unknown keys"):
        load_taxonomy(path)
