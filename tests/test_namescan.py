"""The linker's look-up of many names at once (kg.mapping.namescan)."""

from kg.mapping.namescan import NameScanner


def found(names, text, start=0, end=None):
    return [text[s:e] for s, e in NameScanner(names).spans(text, start, end)]


def test_names_are_found_as_whole_words_only():
    names = ["Kim", "Stalin", "Mao Zedong"]
    assert found(names, "Kim met Kimura; Stalin's letter reached Mao Zedong.") == [
        "Kim", "Stalin", "Mao Zedong"]
    assert found(names, "Stalinist views, AMao Zedong, Mao Zedongs") == []


def test_the_longest_name_at_a_place_wins_and_matches_never_overlap():
    names = ["Kim", "Kim Il Sung", "Il Sung", "Sung"]
    assert found(names, "Kim Il Sung and Kim") == ["Kim Il Sung", "Kim"]


def test_a_name_may_break_over_a_line_and_sit_in_the_editors_brackets():
    names = ["Li Fuchun", "Kim Il Sung"]
    text = "Cde Kim Il\n   Sung met [Li] Fuchun and Li [Fuchun], then [Kim Il] Sung."
    assert found(names, text) == ["Kim Il\n   Sung", "[Li] Fuchun", "Li [Fuchun]",
                                  "[Kim Il] Sung"]


def test_a_closing_bracket_is_the_names_only_when_no_word_follows_it():
    assert found(["Li Fuchun"], "Li [Fuchun]x") == ["Li [Fuchun"]
    assert found(["Li Fuchun"], "[Li Fuchun] said") == ["[Li Fuchun]"]


def test_straight_and_typographic_apostrophes_match_each_other():
    names = ["People's Liberation Army"]
    assert found(names, "the People’s Liberation Army and the People's Liberation Army") == [
        "People’s Liberation Army", "People's Liberation Army"]


def test_names_in_scripts_without_spaces_match_inside_words():
    names = ["东北人民政府", "Stalin"]
    assert found(names, "东北人民政府主席高岗") == ["东北人民政府"]
    assert found(names, "Stalin同志") == []  # a Latin name still needs a word boundary


def test_small_letter_and_punctuation_starts():
    names = ["the government of the PRC", "38th Parallel", "(Chairman)"]
    text = "North of the 38th Parallel, the government of the PRC (Chairman) spoke."
    assert found(names, text) == ["38th Parallel", "the government of the PRC", "(Chairman)"]


def test_a_region_is_searched_alone_but_its_boundary_sees_the_text_before_it():
    text = "XStalin and Stalin"
    assert found(["Stalin"], text, 1) == ["Stalin"]  # 'X' before the region: no word start
    assert [s for s, _ in NameScanner(["Stalin"]).spans(text, 1)] == [12]
    assert found(["Stalin"], "Stalinx", 0, 6) == ["Stalin"]  # the region ends the word
