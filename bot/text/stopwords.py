"""Arabic function words, for weighting content words in summarisation and matching.

The list is written for this project: particles, prepositions, pronouns, demonstratives,
relatives, auxiliaries and the reporting verbs of news prose («قال», «أضاف», «أشار»), which
appear in almost every article and say nothing about its subject. Words are stored in the
folded spelling of :func:`bot.text.arabic.normalize_for_matching` (أ/إ/آ → ا, ة → ه, ى → ي),
so look-ups must be made on folded tokens. A clitic و or ف in front of a function word
(«وفي», «فإن») is handled by :func:`is_stopword`, not by listing every prefixed form.
"""

from __future__ import annotations

_WORDS = """
في من الي علي عن مع عند لدي منذ حتي خلال بين بعد قبل فوق تحت دون ضد نحو حول عبر لكن
لكنه لكنها بل او ام ان انه انها انهم لان لانه كان كانت كانوا يكون تكون يكونون كانا اصبح
اصبحت صار ليس ليست لم لن لا ما ماذا لماذا متي اين كيف كم هل قد لقد سوف اذ اذا اذن لو لولا
كي لكي ثم حيث حين بينما كلما عندما لما مثل كما كذلك ايضا فقط جدا غير سوي كل بعض اي
هذا هذه هذان هاتان هؤلاء ذلك تلك ذلكم اولئك هنا هناك هنالك الذي التي الذين اللذان اللتان
اللواتي اللاتي هو هي هم هن هما انا نحن انت انتم انتن انتما اياه اياها اياهم له لها لهم
لهن لهما لي لنا لك لكم به بها بهم بهما منه منها منهم فيه فيها فيهم عليه عليها عليهم اليه
اليها اليهم عنه عنها عنهم معه معها معهم بذلك لذلك كذا لذا وهو وهي فهو فهي يا اما الا حتي متي
ذو ذات ذوي اولي عده احد احدي اول ثاني عام اليوم امس غدا الان
قال قالت يقول تقول اضاف اضافت واضاف واضافت اشار اشارت يشير تشير اكد اكدت يؤكد اوضح
اوضحت يوضح ذكر ذكرت وفق وفقا بحسب حسب اطار ضمن لدي تم يتم تمت جري يجري وذلك وهذا وهذه
ولكن بان يمكن ينبغي يجب
"""

STOPWORDS: frozenset[str] = frozenset(_WORDS.split())

# Single-letter clitics that attach to the front of a function word without changing it.
_CLITICS = ("و", "ف")


def is_stopword(token: str) -> bool:
    """True for a folded Arabic function word, with or without a leading و or ف.

    Args:
        token: One word in the folded spelling of ``normalize_for_matching``, lower-cased.

    Returns:
        Whether the word carries no topic of its own. Latin stop words are not listed:
        Latin words in Arabic news are mostly names, which matter.
    """
    if token in STOPWORDS:
        return True
    return len(token) > 2 and token[0] in _CLITICS and token[1:] in STOPWORDS
