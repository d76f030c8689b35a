"""Settings: layered loading, clear errors, and documentation generated from one registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import settings_markdown
from kg.config import PROJECT_ROOT, SETTINGS, Config
from kg.errors import ConfigError


def test_layers_defaults_file_env_overrides(tmp_path: Path) -> None:
    file = tmp_path / "kg.toml"
    file.write_text('port = 9000\nbase_iri = "https://file.example"\nquery_timeout = 3\n')
    env = {"KG_PORT": "9100", "KG_CONFIG": str(file)}
    config = Config.load({"query_timeout": None}, env=env)
    assert config.port == 9100  # env beats file
    assert config.base_iri == "https://file.example"  # file beats default
    assert config.query_timeout == 3.0  # None override is "not given"
    assert Config.load({"port": 9200}, env=env).port == 9200  # explicit beats env


def test_trailing_slash_of_base_is_dropped() -> None:
    assert Config.load({"base_iri": "https://x.example/"}, env={}).base_iri == "https://x.example"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KG_PORT": "eighty"}, "port (KG_PORT) must be a whole number"),
        ({"KG_BASE_IRI": "not an iri"}, "base_iri (KG_BASE_IRI) must be an absolute"),
        ({"KG_ALLOW_SERVICE": "maybe"}, "allow_service (KG_ALLOW_SERVICE) must be true or false"),
        ({"KG_QUERY_TIMEOUT": "0"}, "query_timeout (KG_QUERY_TIMEOUT) must be positive"),
    ],
)
def test_bad_settings_name_the_setting(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Config.load(env=env)


def test_unknown_setting_in_file_is_an_error(tmp_path: Path) -> None:
    file = tmp_path / "kg.toml"
    file.write_text("prot = 1\n")
    with pytest.raises(ConfigError, match="unknown setting 'prot'"):
        Config.load(file=file, env={})


def test_every_setting_is_documented() -> None:
    doc = (PROJECT_ROOT / "docs" / "settings.md").read_text()
    stale = "docs/settings.md is stale: run kg settings --markdown > docs/settings.md"
    assert doc.strip() == settings_markdown().strip(), stale
    for s in SETTINGS:
        assert f"`{s.env}`" in doc
