"""The run policy of an audit: which use, which crawler, and what missing information means."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from reciprocity.errors import UsageError
from reciprocity.obligations import Duty, parse_duties
from reciprocity.signals.robots import query_token
from reciprocity.sources.asof import AS_OF, AsOf
from reciprocity.uses import Use, parse_use

__all__ = ["AuditPolicy", "State", "crawler_token", "duties_option"]


def crawler_token(option: str, value: str, warn: Callable[[str], None] | None = None) -> str:
    """A crawler given on the command line (``option``), as the robots.txt product token it
    carries: ``CCBot/2.0 (https://commoncrawl.org/faq/)`` is ``CCBot``, and ``warn`` is told
    so in one line. A value that carries no token is refused: asked as given, it would be a
    crawler no group names and get the ``*`` group, whatever the file says about it."""
    read = query_token(value)
    if read.token is None:
        raise UsageError(
            f"{option} {value!r} names no robots.txt product token (letters, '_' and '-', "
            "RFC 9309 §2.2.1); give the crawler's token, e.g. CCBot"
        )
    if read.diagnostic is not None and warn is not None:
        warn(f"{option} {value!r} read as its product token {read.token!r}")
    return read.token


State = Literal["allow", "deny", "unknown", "unavailable"]


@dataclass(frozen=True, slots=True)
class AuditPolicy:
    """How an audit decides whether to keep a document (recorded whole in ``run.json``)."""

    use: Use = Use.TRAIN_AI
    """The intended use; ``keep`` answers for this use."""
    crawler: str = "CCBot"
    """The crawler that collected the data: a URL it may not fetch is denied for every use
    (its product token; a whole user agent is read as the token it carries)."""
    honour: tuple[str, ...] | None = None
    """robots.txt tokens honoured for ``use`` instead of the catalogue's (None: catalogue)."""
    robots_as_of: AsOf = "crawl"
    """Which dated copy of a site's files applies (robots.txt and the files beside it)."""
    unknown: Literal["allow", "deny"] = "allow"
    """No statement means no reservation (default), or fail closed."""
    unavailable: Literal["allow", "deny"] = "deny"
    """No robots.txt for the host from any source: fail closed (default), or treat as no
    statement."""
    accept: frozenset[Duty] = field(default_factory=frozenset)
    """Duties the builder commits to meet (e.g. ``credit``, i.e. attribution): they lift
    reservations that ask only for them, and are recorded in the run's obligation ledger."""
    refuse: frozenset[Duty] = field(default_factory=frozenset)
    """Duties the builder will not take on (e.g. ``non-commercial``, ``no-derivatives``)."""

    @classmethod
    def from_options(
        cls,
        *,
        use: str = "train-ai",
        crawler: str = "CCBot",
        honour: str | None = None,
        robots_as_of: str = "crawl",
        unknown: str = "allow",
        unavailable: str = "deny",
        accept: str = "",
        refuse: str = "",
        warn: Callable[[str], None] | None = None,
    ) -> AuditPolicy:
        """Build a policy from command-line strings, with one clear error for a bad value.

        ``crawler`` and the ``honour`` tokens are read as product tokens (:func:`crawler_token`);
        ``warn`` hears of each one that was not a token as given."""
        try:
            chosen = parse_use(use)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if robots_as_of not in AS_OF:
            raise UsageError(
                f"--robots-as-of {robots_as_of!r}: expected crawl, latest or strictest"
            )
        for name, value in (("--unknown", unknown), ("--unavailable", unavailable)):
            if value not in ("allow", "deny"):
                raise UsageError(f"{name} {value!r}: expected allow or deny")
        crawler = crawler_token("--crawler", crawler, warn)
        tokens = None
        if honour is not None:
            tokens = tuple(
                crawler_token("--honour", t.strip(), warn) for t in honour.split(",") if t.strip()
            )
        accepted = duties_option("--accept", accept)
        refused = duties_option("--refuse", refuse)
        both = accepted & refused
        if both:
            named = ", ".join(sorted(duty.value for duty in both))
            raise UsageError(f"--accept and --refuse both name {named}")
        return cls(
            use=chosen,
            crawler=crawler,
            honour=tokens,
            robots_as_of=robots_as_of,
            unknown=unknown,  # type: ignore[arg-type]
            unavailable=unavailable,  # type: ignore[arg-type]
            accept=accepted,
            refuse=refused,
        )

    def keeps(self, state: State) -> bool:
        """Whether a document whose state for ``use`` is ``state`` is kept."""
        if state == "allow":
            return True
        if state == "deny":
            return False
        if state == "unknown":
            return self.unknown == "allow"
        return self.unavailable == "allow"

    def to_dict(self) -> dict[str, object]:
        return {
            "use": self.use.value,
            "crawler": self.crawler,
            "honour": list(self.honour) if self.honour is not None else "catalogue",
            "robots_as_of": self.robots_as_of,
            "unknown": self.unknown,
            "unavailable": self.unavailable,
            "accept": sorted(duty.value for duty in self.accept),
            "refuse": sorted(duty.value for duty in self.refuse),
        }


def duties_option(option: str, value: str) -> frozenset[Duty]:
    """The duties a comma-separated option names (``--accept credit,open``), or a
    :class:`UsageError` naming the option and the values it takes."""
    try:
        return parse_duties(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None
