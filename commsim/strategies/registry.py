"""The open registry of strategies: every strategy class by name, and every lookup by name.

**Registration.** A subclass of ``commsim.strategies.Strategy``, the project's or a user's,
is registered by its class name when its ``class`` statement runs
(``Strategy.__init_subclass__`` calls ``register``). From then on it has, exactly as the
built-ins do:

1. its flat keywords on ``CommunityModel``: ``<key>_<parameter>`` for each of its
   ``PARAMETERS`` and the switch ``<key>`` (the key is the class name in snake case,
   ``RedPackets`` -> ``red_packets``), shown by ``inspect.signature(CommunityModel)``;
2. its name in experiment files and in ``build``/``build_dotted``
   (``commsim.strategies.building``);
3. its section in the classroom app, with its ``CONTROLS``;
4. its arms in validation checks that compare a model with and without a strategy.

``registered_strategies()`` lists them: the built-ins first, in ``BUILT_INS`` order, then
other classes in the order they were defined.

**Names are never ambiguous.** Defining a class again in the same module under the same
qualified name (re-running a notebook cell, ``importlib.reload``) replaces it in its
place. A class whose name or key is taken by a registered class of another module, or one
of whose flat keywords is already a model parameter or another strategy's flat keyword,
is refused when it is defined, with a ``ValueError`` naming the clash. A class that should
not be registered (an abstract base, a test's probe) says so:
``class Probe(Strategy, register=False)``; it still works as an object
(``CommunityModel(strategies=[Probe()])``) and by import name.

**Import names, and no code from data.** ``"package.module:Class"`` names a strategy
class by where it lives. Importing a module runs its code, so a name read from a file (an
experiment file, a received results folder's ``experiment.json``) must not import
anything by itself. Such a name is resolved without importing when its module is already
imported (``sys.modules``: code the user already ran) or names a registered class;
otherwise its module is imported only when the user allows it (allowing a package allows
its submodules):

* ``commsim sweep|run|report ... --allow-import package.module`` (repeatable);
* ``load_experiment(path, allow_import=("package.module",))``;
* ``with allowed_imports("package.module"): ...`` around any code that looks names up;
* ``strategy_class(name, allow_import=("package.module",))``.

Otherwise the lookup raises ``ImportNotAllowed`` (a ``ValueError``) saying how to allow
it. ``check_name`` checks a name's spelling without importing anything. A sweep hands the
modules its experiment was allowed to import, and those of the user classes it names by
class name, to its workers (``experiment_modules``), which import them first.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import importlib
import inspect
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from commsim.parameter_kinds import Choice, Parameter
from commsim.parameters import PARAMETERS
from commsim.strategies.base import Strategy

BUILT_INS: tuple[str, ...] = (
    "EntryThreshold", "RedPackets", "Badges", "InviteLeaderboard", "KOLSeeding", "SizeCap",
    "Moderation", "ScheduledEvents", "Referral", "ContentMix", "Conversion", "SocialComparison",
)  # fmt: skip
"""The project's strategies (classes of ``commsim.strategies``), in the order listed."""

#: Keywords of ``CommunityModel`` besides its parameters: no flat keyword may take them.
MODEL_KEYWORDS: tuple[str, ...] = ("rng", "network", "strategies")

_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
_DOTTED = rf"{_IDENTIFIER}(?:\.{_IDENTIFIER})*"
_MODULE = re.compile(_DOTTED)
_IMPORT_NAME = re.compile(rf"{_DOTTED}:{_DOTTED}")

_registry: dict[str, type[Strategy]] = {}
_flat: dict[str, Parameter | Choice] = {}
_allowed: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "commsim_allowed_imports", default=frozenset()
)


class ImportNotAllowed(ValueError):
    """A ``"module:Class"`` name whose module the user has not allowed to be imported.

    Attributes:
        name: the strategy name, ``"module:Class"``.
        module: the module it would import.
    """

    def __init__(self, name: str, module: str) -> None:
        self.name = name
        self.module = module
        super().__init__(
            f"strategy {name!r} would import module {module!r}, which runs its code; "
            f"commsim imports a module named in a file only when allowed: give "
            f"--allow-import {module} to commsim sweep/run/report, or in Python "
            f"allow_import=({module!r},) (load_experiment, ResultStore.experiment, "
            f"strategy_class) or `with allowed_imports({module!r}):`"
        )


# ---------------------------------------------------------------------- registration
def import_name(cls: type) -> str:
    """``"package.module:Class"``, the name that finds ``cls`` by import."""
    return f"{cls.__module__}:{cls.__qualname__}"


def _is_built_in(cls: type[Strategy]) -> bool:
    return cls.__name__ in BUILT_INS and cls.__module__.startswith("commsim.strategies.")


def _order(cls: type[Strategy]) -> int:
    return BUILT_INS.index(cls.__name__) if _is_built_in(cls) else len(BUILT_INS)


def register(cls: type[Strategy]) -> None:
    """Register strategy class ``cls`` by its class name (``Strategy.__init_subclass__``
    calls this for every subclass defined without ``register=False``).

    Raises:
        ValueError: when its name or key is taken by a class of another module, a flat
            keyword clashes with a model parameter or another strategy's flat keyword, or
            a ``CONTROLS`` entry does not fit its ``PARAMETERS`` (``Control.check``).
    """
    name = cls.__name__
    others = {n: c for n, c in _registry.items() if import_name(c) != import_name(cls)}
    taken = others.get(name) or next((c for c in others.values() if c.key == cls.key), None)
    if taken is not None:
        raise ValueError(
            f"strategy class {import_name(cls)}: its name {name!r} (key {cls.key!r}) is taken "
            f"by {import_name(taken)}; rename the class, or define it with "
            f"register=False and pass it as an object (strategies=[...])"
        )
    owners = {f: f"a flat keyword of {import_name(c)}" for c in others.values()
              for f in _flat_names(c)}  # fmt: skip
    owners.update({name: "a model parameter" for name in [*PARAMETERS, *MODEL_KEYWORDS]})
    for keyword in _flat_names(cls):
        if keyword in owners:
            raise ValueError(
                f"strategy class {import_name(cls)}: its flat keyword {keyword!r} is already "
                f"{owners[keyword]}; rename the class or the parameter, or define it with "
                "register=False"
            )
    names = [control.name for control in cls.CONTROLS]
    for control in cls.CONTROLS:
        if control.name not in cls.PARAMETERS:
            raise ValueError(
                f"strategy class {import_name(cls)}: control {control.name!r} is not one of "
                f"its parameters ({', '.join(cls.PARAMETERS) or 'none'})"
            )
        if names.count(control.name) > 1:
            raise ValueError(
                f"strategy class {import_name(cls)}: control {control.name!r} is given twice"
            )
        try:
            control.check(cls.PARAMETERS[control.name])
        except ValueError as error:
            raise ValueError(f"strategy class {import_name(cls)}: {error}") from None
    classes = dict(_registry)
    classes[name] = cls  # a class defined again keeps its place
    _replace(classes)


def unregister(name: str) -> type[Strategy]:
    """Remove the strategy registered as ``name`` (a class name) and return it.

    Raises:
        ValueError: when no strategy is registered under ``name``.
    """
    if name not in _registry:
        raise ValueError(f"no strategy is registered as {name!r}: registered are {_known()}")
    remaining = dict(_registry)
    cls = remaining.pop(name)
    _replace(remaining)
    return cls


def _replace(classes: dict[str, type[Strategy]]) -> None:
    """Make ``classes`` the registry (in place, so views stay live), built-ins first."""
    ordered = sorted(classes.items(), key=lambda item: _order(item[1]))  # stable: definition
    _registry.clear()
    _registry.update(ordered)
    _flat.clear()
    for cls in _registry.values():
        _flat[cls.key] = Choice(cls.key, False, (False, True), f"switch {cls.__name__} on")
        for parameter_name, parameter in cls.PARAMETERS.items():
            flat = f"{cls.key}_{parameter_name}"
            _flat[flat] = dataclasses.replace(parameter, name=flat)


def _flat_names(cls: type[Strategy]) -> list[str]:
    return [cls.key] + [f"{cls.key}_{name}" for name in cls.PARAMETERS]


def registered_strategies() -> Mapping[str, type[Strategy]]:
    """Every registered strategy class by class name: the built-ins first (``BUILT_INS``
    order), then the others in the order they were defined. A read-only live view."""
    return _REGISTERED


def flat_parameters() -> Mapping[str, Parameter | Choice]:
    """Every flat keyword of ``CommunityModel`` with its ``Parameter``/``Choice`` (the
    strategy's default and range; a switch is a ``Choice`` of False/True, default False),
    strategy by strategy in registry order. A read-only live view."""
    return _FLAT


_REGISTERED: Mapping[str, type[Strategy]] = MappingProxyType(_registry)
_FLAT: Mapping[str, Parameter | Choice] = MappingProxyType(_flat)


def _known() -> str:
    return ", ".join(_registry) or "none"


# ---------------------------------------------------------------------- permission
@contextlib.contextmanager
def allowed_imports(*modules: str) -> Iterator[frozenset[str]]:
    """Within this block, ``"module:Class"`` names may import ``modules`` (and their
    submodules), in addition to those already allowed; yields everything allowed.

    Raises:
        ValueError: for a module name that is not a dotted name of identifiers.
    """
    for module in modules:
        if not isinstance(module, str) or not _MODULE.fullmatch(module):
            raise ValueError(
                f"allow_import: {module!r} is not a module name (expected e.g. 'mypackage.mine')"
            )
    token = _allowed.set(_allowed.get() | frozenset(modules))
    try:
        yield _allowed.get()
    finally:
        _allowed.reset(token)


def _is_allowed(module: str, allowed: Iterable[str]) -> bool:
    return any(module == a or module.startswith(a + ".") for a in allowed)


# ---------------------------------------------------------------------- lookup
def check_name(name: str) -> None:
    """Check that ``name`` could name a strategy, without importing anything: a registered
    class name or key, or an import name ``"package.module:Class"``.

    Raises:
        ValueError: for anything else, naming the registered strategies.
    """
    if not isinstance(name, str):
        raise ValueError(f"strategy name {name!r} is not text: expected {_expected()}")
    if ":" in name:
        if not _IMPORT_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not an import name: expected 'package.module:ClassName'")
        return
    if not any(name in (cls.__name__, cls.key) for cls in _registry.values()):
        raise ValueError(f"unknown strategy {name!r}: expected {_expected()}")


def _expected() -> str:
    return f"one of {_known()}, or an import name 'package.module:ClassName'"


def strategy_class(name: str, allow_import: Iterable[str] = ()) -> type[Strategy]:
    """The strategy class called ``name``.

    Args:
        name: a registered class name (``"RedPackets"``) or key (``"red_packets"``), or an
            import name ``"package.module:ClassName"`` (any subclass of ``Strategy``).
        allow_import: modules (and packages) an import name may import, besides those
            allowed by ``allowed_imports``; a module already imported needs no permission.

    Raises:
        ImportNotAllowed: for an import name whose module is neither imported nor allowed.
        ValueError: for an unknown name, a module or class that cannot be found, or a
            class that is not a strategy.
    """
    check_name(name)
    if ":" not in name:
        return next(cls for cls in _registry.values() if name in (cls.__name__, cls.key))
    known = next((cls for cls in _registry.values() if import_name(cls) == name), None)
    if known is not None:
        return known
    module_name, _, qualname = name.partition(":")
    module = sys.modules.get(module_name)
    if module is None:
        if not _is_allowed(module_name, [*allow_import, *_allowed.get()]):
            raise ImportNotAllowed(name, module_name)
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            raise ValueError(f"strategy {name!r} cannot be imported: {error}") from None
    value: Any = module
    for part in qualname.split("."):
        value = getattr(value, part, None)
    if not (inspect.isclass(value) and issubclass(value, Strategy)) or value is Strategy:
        what = "not found" if value is None else "not a subclass of commsim.strategies.Strategy"
        raise ValueError(f"strategy {name!r}: {qualname} is {what} in module {module_name}")
    return value


def experiment_modules(names: Iterable[str]) -> tuple[str, ...]:
    """The modules a sweep's workers need for strategy ``names``, sorted: the module of
    each import name, and of each registered class named by class name that is neither
    built in nor defined in ``__main__`` (which workers cannot import). Once the sweep's
    process has resolved the names (with the user's permission), its workers may import
    these (``import_modules``)."""
    modules = set()
    for name in names:
        if ":" in name:
            modules.add(name.partition(":")[0])
            continue
        cls = next((c for c in _registry.values() if name in (c.__name__, c.key)), None)
        if cls is not None and not _is_built_in(cls) and cls.__module__ != "__main__":
            modules.add(cls.__module__)
    return tuple(sorted(modules))


def import_modules(modules: Iterable[str]) -> None:
    """Import ``modules`` (which the user allowed), registering their strategy classes:
    a sweep's worker does this first, so class names of user strategies resolve there.

    Raises:
        ValueError: for a module that cannot be imported.
    """
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as error:
            raise ValueError(f"allowed module {module!r} cannot be imported: {error}") from None


def strategy_parameters(name: str) -> dict[str, Parameter | Choice]:
    """The parameter table (``PARAMETERS``) of strategy ``name`` (see ``strategy_class``)."""
    return dict(strategy_class(name).PARAMETERS)


# ---------------------------------------------------------------------- flat keywords
def strategies_from_keywords(keywords: Mapping[str, Any]) -> tuple[list[Strategy], dict]:
    """Split ``CommunityModel`` keywords into strategies built from flat keywords and the
    remaining model parameters.

    The rule: **the switch ``<key>`` decides when it is given** (``True``/``False``); when
    it is not given (``None``, the default), the strategy is on exactly when at least one
    of its flat parameters ``<key>_<parameter>`` is given (not ``None``). Flat values are
    checked even when the switch is off. Strategies come in registry order.

    Raises:
        ValueError: naming the flat keyword, its value and what is allowed.
    """
    rest = {k: v for k, v in keywords.items() if k not in _flat}
    strategies = []
    for cls in _registry.values():
        given = {}
        for name in cls.PARAMETERS:
            value = keywords.get(f"{cls.key}_{name}")
            if value is not None:
                given[name] = _flat[f"{cls.key}_{name}"].check(value)
        switch = keywords.get(cls.key)
        on = bool(given) if switch is None else _flat[cls.key].check(switch)
        if on:
            strategies.append(cls(**given))
    return strategies, rest
