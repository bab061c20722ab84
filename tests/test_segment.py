from ingest.segment import fold, segmenter_fingerprint, tokenize


def test_simplified_query_meets_traditional_text():
    shared = set(tokenize("疫情期间学校改为远距授课")) & set(tokenize("疫情期間學校改為遠距授課"))
    assert shared >= {"疫情", "学校", "远距授课"}


def test_domain_dictionary_keeps_terms_whole():
    tokens = tokenize("地域經濟活性化機構(REVIC)與地域未來構想20、3密對策")
    assert "地域经济活性化机构" in tokens and "revic" in tokens
    assert "地域未来构想20" in tokens and "3密" in tokens


def test_taiwanese_hardware_and_software_are_words_not_a_decent_face():
    # jieba's own dictionary cut 硬體面 as 硬 / 體面 ("decent"), so 硬體面 and 軟體面 met on 體面 alone
    assert tokenize("可以從硬體面和軟體面切入") == ["硬体", "面", "软体", "面", "切入"]
    assert "体面" not in tokenize("硬體面是要修啥")


def test_numbers_and_percentages_survive():
    assert "2.3%" in tokenize("只有2.3%的地方政府")


def test_punctuation_and_stopwords_are_dropped():
    tokens = tokenize("什麼是地方創生？！，。")
    assert tokens == ["地方", "创生", "地方创生"] or set(tokens) == {"地方创生"} or "地方创生" in tokens
    assert not any(t in {"？", "！", "，", "。", "什么"} for t in tokens)


def test_fold_is_width_and_case_insensitive():
    assert fold("ＩＣＴ地域") == fold("ict地域") == "ict地域"


def test_fingerprint_names_jieba_dictionary_and_opencc():
    fp = segmenter_fingerprint()
    assert fp["jieba"] and len(fp["userdict_sha256"]) == 64 and fp["opencc"] == "jp2t+t2s"


def test_japanese_shinjitai_meets_the_traditional_text():
    assert set(tokenize("総務省の地域活性化")) & set(tokenize("總務省的地域活性化")) >= {fold("總務省")}
    assert "が" not in tokenize("総務省が実施した")  # hiragana particles are not search terms


def test_a_numbered_name_keeps_its_numeral_before_shi():
    # jieba has 二是 ("secondly") as a word: 構想二是什麼 lost its 二 and matched 構想一 as well
    assert "二" in tokenize("地域未來構想二是什麼？") and "二是" not in tokenize("地域未來構想二是什麼？")
    assert "三" in tokenize("構想三是") and "还是" in tokenize("還是")


def test_chinese_characters_that_are_also_shinjitai_keep_their_form_and_words():
    # jp2t turns 概 → 槪, 研 → 硏, 予 → 豫: jieba then cut 概念 and 研究 into single characters
    assert fold("概念、研究、並且、衛生、給予、欠缺") == "概念、研究、并且、卫生、给予、欠缺"
    tokens = tokenize("二十項重要的概念，研究並給予支援")
    assert {"概念", "研究", "给予"} <= set(tokens)
    assert fold("猶豫") == "犹豫" and fold("総務省") == fold("總務省")  # other characters still fold as before
