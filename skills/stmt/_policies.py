"""Accounting policies for the statutory notes: the company's own wording from close.toml.

A statutory set opens its notes with the accounting policies the preparer applied. Each
topic is a text parameter of stmt.statutory_pack, so it is set where every other tuning
is, for every entity or for one (an entity's own table wins), and a misspelt topic is
refused before the close runs like any unknown parameter:

    [skills."stmt.statutory_pack"]
    policy_revenue = "Revenue is recognised when the service is delivered ..."

    [entities.UK01.skills."stmt.statutory_pack"]
    policy_basis = "Prepared under FRS 102 ..."

A topic left unset keeps the standard wording below, which describes what the close
itself computes (straight-line depreciation from the month after in service, leases at
the present value of their payments, ...) and is labelled as standard wording, not the
company's; a topic set to an empty string is left out of the note.
"""
from __future__ import annotations

from close.skill import Text

# (topic, title, standard wording)
TOPICS = (
    ("basis", "Basis of preparation",
     "These statements are prepared from the entity's general ledger on the accruals basis, "
     "in its functional currency, for the fiscal year to date."),
    ("revenue", "Revenue",
     "Revenue is recognised when goods or services are delivered to the customer. Amounts "
     "invoiced in advance are deferred and recognised on a straight-line basis over the "
     "contract term."),
    ("fixed_assets", "Property, plant and equipment",
     "Property, plant and equipment is stated at cost less accumulated depreciation. "
     "Depreciation is charged on a straight-line basis over each asset's useful life to its "
     "residual value, from the month after the asset is brought into service."),
    ("leases", "Leases",
     "A lease is recognised at its start as a right-of-use asset and a lease liability at the "
     "present value of the lease payments, discounted at the rate in the lease. The asset is "
     "depreciated on a straight-line basis over the lease term; interest accrues monthly on "
     "the liability."),
    ("foreign_currency", "Foreign currencies",
     "Transactions in foreign currencies are recorded at the rate on the day of the "
     "transaction. Monetary assets and liabilities in foreign currencies are remeasured at "
     "the closing rate, with differences taken to profit or loss."),
    ("income_tax", "Income tax",
     "Current tax is provided on the taxable profit for the period at the rates enacted at "
     "the reporting date."),
)
# The group set's standard wording where an entity's would be wrong for it: the group's
# statements are not one ledger in one functional currency.
GROUP_STANDARD = {
    "basis": ("These consolidated statements combine the general ledgers of the group's "
              "entities on the accruals basis, for the fiscal year to date. Each entity's "
              "figures are translated into the reporting currency: assets and liabilities at "
              "the closing rate, income and expenses at each month's average rate, equity at "
              "historical rates, the difference in the translation reserve. Balances and "
              "transactions between group entities are eliminated; the non-controlling "
              "interests' share is shown separately."),
}
PREFIX = "policy_"
CONFIGURED, STANDARD = "close.toml", "standard wording"


def policy_params() -> dict:
    """The text parameters stmt.statutory_pack declares, one per topic."""
    return {f"{PREFIX}{topic}": Text(text, f"accounting policy note, {title.lower()} "
                                     "(close.toml; an empty string leaves it out)")
            for topic, title, text in TOPICS}


def policies(params: dict) -> list[dict]:
    """The policies in force, in note order, each saying where its wording comes from."""
    out = []
    for topic, title, standard in TOPICS:
        text = params.get(f"{PREFIX}{topic}", standard).strip()
        if not text:
            continue
        out.append({"topic": topic, "title": title, "text": text,
                    "source": STANDARD if text == standard else CONFIGURED})
    return out
