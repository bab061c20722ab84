"""The UI for readers with low vision and screen-reader users (a blind tester's findings), in-process.

The same findings in a real browser are in test_browser.py.
"""

from __future__ import annotations

import re

import pytest

AA_TEXT = 4.5  # WCAG 2 AA contrast for normal text

# (text colour, background) pairs of Gradio theme variables the app's text is drawn with
TEXT_ON_BACKGROUND = (
    ("color-accent", "background-fill-primary"),  # the selected tab
    ("color-accent", "color-accent-soft"),  # a cited passage's [n] on its soft background
    ("button-primary-text-color", "button-primary-background-fill"),  # 送出, 加入並更新索引
    ("button-primary-text-color", "button-primary-background-fill-hover"),
    ("button-cancel-text-color", "button-cancel-background-fill"),  # 移到回收區, 確定移除
    ("button-cancel-text-color", "button-cancel-background-fill-hover"),
    ("input-placeholder-color", "input-background-fill"),  # the question box's example question
)

_NAMED = {"white": "#ffffff", "black": "#000000"}


def css_blocks(css: str, selector: str) -> dict[str, str]:
    """The custom properties declared in every ``selector { ... }`` block of ``css`` (later ones win)."""
    found: dict[str, str] = {}
    for match in re.finditer(r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        if match.group(1).strip() == selector:
            found.update(dict(re.findall(r"--([\w-]+)\s*:\s*([^;]+?)\s*(?:;|$)", match.group(2))))
    return found


def resolve(name: str, values: dict[str, str], depth: int = 0) -> str:
    value = values[name]
    inner = re.fullmatch(r"var\(--([\w-]+)\)", value)
    assert depth < 20, name
    return resolve(inner.group(1), values, depth + 1) if inner else value


def rgb(colour: str) -> tuple[float, float, float]:
    colour = _NAMED.get(colour.strip().lower(), colour.strip())
    if re.fullmatch(r"#[0-9a-fA-F]{3}", colour):
        colour = "#" + "".join(c * 2 for c in colour[1:])
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", colour), colour
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def luminance(colour: str) -> float:
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_contrast_ratio_arithmetic():
    assert contrast("#000", "white") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the usual "just fails" grey


def theme_values(app_css: str, dark: bool) -> dict[str, str]:
    """The theme variables as the browser resolves them: Gradio's default theme, then the app's CSS
    (light: ``:root``; dark: the theme's own dark selector over the light values)."""
    import gradio as gr

    theme_css = gr.themes.Default()._get_theme_css()
    dark_selector = ":root.dark, :root .dark"
    values = {**css_blocks(theme_css, ":root"), **css_blocks(app_css, ":root")}
    if dark:
        values.update({**css_blocks(theme_css, dark_selector), **css_blocks(app_css, dark_selector)})
    return values


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_the_apps_colours_reach_aa_contrast(dark):
    """The tester measured the orange [n] and the selected tab at 2.6-2.8:1, 送出 2.8:1, the placeholder 1.9:1;
    with the colours the app's CSS sets every pair of text and its background is at least 4.5:1."""
    from chat.ui import CSS

    values = theme_values(CSS, dark)
    ratios = {(fg, bg): contrast(resolve(fg, values), resolve(bg, values)) for fg, bg in TEXT_ON_BACKGROUND}
    low = {pair: round(ratio, 2) for pair, ratio in ratios.items() if ratio < AA_TEXT}
    assert not low, low


# --------------------------------------------------------------------------- Gradio's own strings in Chinese


def test_gradios_strings_its_chinese_dictionary_lacks_are_given_in_chinese():
    """Gradio 6.31's zh-TW dictionary lacks some of its strings (the progress bar's name, the queue's
    place...), shown in English; launch gives them in Traditional Chinese, by their full keys."""
    import gradio as gr

    from chat.config import Config
    from chat.ui import GRADIO_ZH_TW, launch_options

    i18n = launch_options(Config.load())["i18n"]
    assert isinstance(i18n, gr.I18n)
    given = i18n.translations_dict["zh-TW"]
    assert given == GRADIO_ZH_TW and {"common.progress", "status.queue_position"} <= set(given)
    for key, text in given.items():
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", key), key  # a full key: looked up before Gradio's own
        assert not re.search(r"[A-Za-z]", re.sub(r"\{\w+\}", "", text)), text  # {position} is filled in


def test_the_question_box_is_named_in_chinese_for_screen_readers(tmp_path):
    """The question box had no label: a screen reader named it by Gradio's default, "Textbox"."""
    from chat.config import Config
    from chat.engine import Engine
    from chat.ui import LABEL_QUESTION, make_app
    from tests.fakes import FakeEncoder

    engine = Engine.with_encoder(Config.load(corpus_dir=tmp_path, index_dir=tmp_path / "i"), FakeEncoder())
    components = make_app(engine).get_config_file()["components"]
    (box,) = [c for c in components if c["props"].get("elem_id") == "sousei-question"]
    assert box["props"]["label"] == LABEL_QUESTION and box["props"]["show_label"] is False


def test_the_progress_bar_counts_in_chinese():
    """Gradio counts a progress bar in "steps" unless told another unit."""
    from chat.ui import PROGRESS_UNIT, progress_reporter

    calls: list[tuple] = []
    report = progress_reporter(lambda *args, **kwargs: calls.append((args, kwargs)))
    assert report is not None
    report(3, 10, "計算向量")
    assert calls == [(((3, 10),), {"desc": "計算向量", "unit": PROGRESS_UNIT})]
    assert not re.search(r"[A-Za-z]", PROGRESS_UNIT)
