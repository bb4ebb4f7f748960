"""close.toml: per-skill and per-entity tuning that lives next to the pack.

    [skills."je.backdated_entries"]          # every entity
    max_days = 45

    [entities.UK01.skills."je.manual_over_threshold"]   # one entity
    threshold = "20000.00"

The statutory notes' accounting policies are parameters of stmt.statutory_pack, one
text a topic (policy_basis, policy_revenue, policy_fixed_assets, policy_leases,
policy_foreign_currency, policy_income_tax; skills/stmt/_policies.py), so they are set,
per entity where it differs, and refused when misspelt, like any other parameter:

    [skills."stmt.statutory_pack"]
    policy_revenue = "Revenue is recognised when the service is delivered."

    [entities.UK01.skills."stmt.statutory_pack"]
    policy_basis = "Prepared under FRS 102."

Other sections (`[narrative]`, `[review]`, ...) belong to the parts of close that read
them; `section(name)` hands them over untouched. Defaults for thresholds come from
pack.toml's materiality, so an empty or absent close.toml is a valid configuration.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(ValueError):
    """close.toml exists but cannot be used: names the file and the reason."""


@dataclass
class Config:
    data: dict = field(default_factory=dict)
    path: Path | None = None

    def section(self, name: str) -> dict:
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"{self.path}: [{name}] must be a table")
        return value

    def skill_params(self, skill_id: str, entity_id: str | None) -> dict:
        """Overrides for one skill: the all-entities table, then the entity's own."""
        merged = dict(self.section("skills").get(skill_id, {}))
        if entity_id is not None:
            entity = self.section("entities").get(entity_id, {})
            merged.update(entity.get("skills", {}).get(skill_id, {}))
        return merged

    def check_against(self, registry, entity_ids) -> None:
        """Name unknown skills, entities and parameters now, not halfway through a close."""
        def check_skills(table: dict, where: str) -> None:
            for skill_id, params in table.items():
                if skill_id not in registry:
                    raise ConfigError(f"{self.path}: {where} names unknown skill {skill_id!r}")
                try:
                    registry.get(skill_id).parse_params(params)
                except ValueError as exc:
                    raise ConfigError(f"{self.path}: {where}: {exc}") from None

        check_skills(self.section("skills"), "[skills]")
        for entity_id, table in self.section("entities").items():
            if entity_id not in entity_ids:
                raise ConfigError(f"{self.path}: [entities.{entity_id}] names an unknown entity")
            check_skills(table.get("skills", {}), f"[entities.{entity_id}.skills]")


def config_path_for(pack_path: Path) -> Path:
    pack_path = Path(pack_path)
    return pack_path / "close.toml" if pack_path.is_dir() else pack_path.parent / "close.toml"


def load_config(pack_path: Path | None) -> Config:
    if pack_path is None:
        return Config()
    path = config_path_for(pack_path)
    if not path.exists():
        return Config(path=path)
    try:
        return Config(tomllib.loads(path.read_text(encoding="utf-8")), path)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def review_controllers(config: Config) -> list[str]:
    """close.toml `[review] controllers = ["carol", ...]`: who may reopen a signed-off month."""
    names = config.section("review").get("controllers", [])
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise ConfigError(f"{config.path}: [review] controllers must be a list of names")
    return [n.strip() for n in names]
