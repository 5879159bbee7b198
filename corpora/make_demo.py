"""Generate the bundled demo data set: reviews of the fictional Voltiq smart-device line.

    python corpora/make_demo.py            # rewrites corpora/demo/* and prints the coverage figures
    python corpora/make_demo.py --check    # regenerates in memory and fails if the files differ
    python corpora/make_demo.py --stats    # prints how much of the test vocabulary train covers

Task: 3-class sentiment (positive / negative / neutral) of short product reviews, set up as the case
transfer learning is for: **a small labelled set that cannot cover the domain's vocabulary**.

- Lexical long tail. Every sentiment lexicon (adjectives, verdicts, fixed idioms, community slang) is
  split once, seeded, into a *seen* part (``SEEN_FRACTION`` of its entries) and the rest. The 240
  training reviews draw only from the seen parts; validation, test and the unlabelled corpus draw
  from the full lexicons. About half of the sentiment expressions in the test set therefore never
  occur in train ("superb", "dreadful", "passable", "stay away"), as with real reviews, where
  a few hundred labels cannot cover the vocabulary. The ordinary words are common English that
  GloVe 6B and a pretrained encoder know, so pretrained representations can generalise to them.
- Domain words. Brand, product and slang words (voltiq, aerobud, hubzy, quiksync, desyncs, bootloops,
  glitchfest, voltastic, ...) are absent from GloVe 6B. The unlabelled in-domain corpus (support
  posts, changelogs, forum threads, unlabelled reviews) uses them next to ordinary sentiment words
  ("the Hubzy keeps desyncing, awful and atrocious"), so domain adaptation of the vectors can learn
  what they mean.
- Carriers without polarity: adjectives sit in ``FRAMES`` shared by all three classes, so the frame
  says nothing about the label; each split's labels are drawn stratified (``CLASS_WEIGHTS``).
- Learnable but not trivial: about half the reviews carry no verdict, some polarity is negated ("never
  desynced once", "can't recommend it", "not bad at all"), a quarter of the positive/negative reviews
  open with a clause of the other polarity and turn on "but", neutral texts are questions, logistics
  and lukewarm opinions, and 3% of labels are flipped at random (annotator noise).

Everything is drawn from ``random.Random(SEED)`` (the lexicon split from ``random.Random(f"{SEED}:name")``);
the output is byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import string
import sys
from collections import Counter
from pathlib import Path

SEED = 20240611
SIZES = {"train": 240, "validation": 100, "test": 300}
N_UNLABELLED = 4000
LABEL_NOISE = 0.03
CLASS_WEIGHTS = {"positive": 0.38, "negative": 0.37, "neutral": 0.25}
SEEN_FRACTION = 0.6  # share of every lexicon the training split may use
TRAIN_SPLITS = ("train",)  # splits restricted to the seen lexicons
# How a positive/negative clause is made: a frame with an adjective slot, a fixed idiom, a slang clause.
CLAUSE_MIX = {"frame": 0.5, "idiom": 0.3, "slang": 0.2}
LUKEWARM = 0.45  # share of neutral clauses that are lukewarm opinions (the rest: questions, logistics)

PRODUCTS = {
    "earbuds": ["Aerobud Pro", "Aerobud Mini", "Aerobuds", "Voltiq Aerobud Pro", "Aerobud Pro 2"],
    "hub": ["Hubzy", "Hubzy hub", "Voltiq Hubzy", "Hubzy Max"],
    "router": ["Zentrix mesh", "Zentrix router", "Voltiq Zentrix", "Zentrix node"],
    "band": ["Pulsewrist 2", "Pulsewrist", "Voltiq Pulsewrist", "Pulsewrist Lite"],
    "bulb": ["Lumiqo bulb", "Lumiqo strip", "Voltiq Lumiqo", "Lumiqo bulbs"],
}
ASPECTS = {
    "earbuds": ["sound", "bass", "noise cancelling", "battery life", "fit", "case", "mic", "pairing"],
    "hub": ["setup", "automation engine", "Zigbee range", "voice control", "scene editor", "pairing"],
    "router": ["speed", "coverage", "AuraMesh handoff", "setup", "range", "latency"],
    "band": ["step tracking", "heart rate sensor", "battery life", "strap", "sleep tracking", "screen"],
    "bulb": ["colour range", "brightness", "scheduling", "dimming", "app control", "warm white"],
}
FEATURES = ["QuikSync", "AuraMesh", "SnapCharge", "VoltiqLink", "Glowmode", "Hubzy Routines", "PulseSense"]
VERSIONS = ["2.3", "2.4", "2.4.1", "3.0", "3.1", "3.2 beta", "1.9"]
PLATFORMS = ["Android", "iOS", "Alexa", "HomeKit", "Google Home", "Windows", "a Pixel", "an iPhone"]
COMPETITORS = ["AirPods", "Fitbit", "Eero", "Philips Hue", "SmartThings hub", "Galaxy Buds"]
DURATIONS = ["two weeks", "a month", "three months", "six weeks", "ten days", "half a year"]
TIMES = ["every morning", "twice a day", "every few hours", "whenever I switch rooms", "every night", "randomly"]
AGO = ["yesterday", "last week", "on Friday", "today"]

# ---- sentiment lexicons (each is split into a seen part and the rest) --------------------------------
POS_ADJ = ["excellent", "great", "fantastic", "superb", "really good", "impressive", "spot on", "solid",
           "buttery smooth", "rock-solid", "snappy", "crisp", "brilliant", "a joy to use", "better than expected",
           "top notch", "seriously good", "flawless", "lovely", "reliable", "stellar", "wonderful", "terrific",
           "outstanding", "delightful", "marvelous", "exceptional", "phenomenal", "gorgeous", "pleasant",
           "satisfying", "amazing", "awesome", "splendid", "fabulous", "perfect", "first-rate", "dependable",
           "effortless", "slick", "polished", "seamless", "responsive", "impeccable", "remarkable", "tremendous",
           "magnificent", "sturdy", "faultless", "exemplary", "incredible", "sensational", "a delight",
           "a pleasure to use", "very good", "superior", "admirable"]
NEG_ADJ = ["awful", "terrible", "poor", "disappointing", "flaky", "useless", "janky", "laggy", "mediocre at best",
           "garbage", "unreliable", "a mess", "frustrating", "painfully slow", "half-baked", "worse than my old one",
           "broken out of the box", "a joke", "embarrassing", "buggy", "patchy", "dreadful", "horrible",
           "atrocious", "lousy", "shoddy", "pathetic", "miserable", "defective", "abysmal", "appalling", "dismal",
           "very bad", "crappy", "faulty", "flimsy", "annoying", "infuriating", "unusable", "sluggish",
           "clunky", "woeful", "subpar", "inferior", "worthless", "rubbish", "horrendous", "inadequate",
           "a nightmare", "a disaster", "a letdown", "maddening", "erratic", "unstable", "dodgy", "glitchy"]
NEUTRAL_ADJ = ["okay", "fine", "average", "decent enough", "about what you'd expect", "nothing special", "mid",
               "acceptable", "so-so", "middle of the road", "as advertised", "standard for the price", "adequate",
               "passable", "ordinary", "unremarkable", "middling", "fair", "alright", "reasonable", "serviceable",
               "tolerable", "unexceptional", "run of the mill", "meh", "neither here nor there", "functional",
               "nothing fancy", "lukewarm"]
POS_VERDICTS = ["love it", "highly recommend", "five stars", "best purchase this year", "worth every penny",
                "would buy again", "very happy with it", "absolutely delighted", "thrilled with it", "can't fault it",
                "money well spent", "a keeper", "ten out of ten", "couldn't be happier", "recommend it to everyone",
                "exceeded my expectations", "glad I bought it", "no regrets", "a smart buy", "pleasantly surprised"]
NEG_VERDICTS = ["returning it", "one star", "avoid", "waste of money", "regret buying it", "would not recommend",
                "can't recommend it", "wouldn't buy again", "sending it back", "stay away", "total rip-off",
                "zero stars if I could", "never again", "deeply disappointed", "want a refund", "steer clear",
                "don't bother", "huge letdown", "what a waste", "buyer beware"]
# Fixed clauses whose polarity is in the phrasing, in ordinary words (negated ones included).
POS_IDIOMS = [
    "{feature} pairs it in seconds", "{feature} just works", "zero dropouts in {duration}",
    "SnapCharge tops it up in ten minutes", "I can't fault the {aspect}", "no complaints about the {aspect}",
    "the {aspect} is not bad at all", "way better {aspect} than my old {competitor}", "AuraMesh handoff finally works without a hiccup",
    "the VoltiqLink app is clean and quick", "set up took two minutes with {feature}",
    "it hasn't dropped once since I got it", "I was sceptical but the {aspect} won me over",
    "the {aspect} beats every {competitor} I've owned", "support sorted my question in an hour",
    "the {aspect} keeps surprising me", "the {aspect} blew me away", "it never lets me down",
    "the {aspect} alone is worth the upgrade", "my whole family loves the {aspect}",
    "never had a single problem in {duration}", "it does everything I wanted and more",
    "the {aspect} has not disappointed once", "I keep recommending it to friends",
    "the {aspect} is miles ahead of the {competitor}",
]
NEG_IDIOMS = [
    "{feature} stopped working after {version}", "the {aspect} doesn't hold up", "{feature} never works on the first try",
    "it's not worth the money", "the {aspect} isn't even close to what they advertise", "SnapCharge barely charges it",
    "the {aspect} is not good at all", "the {aspect} got worse after {version}",
    "my old {competitor} never had these problems", "the {aspect} gave up after {duration}",
    "support keeps closing my ticket", "three replacements and it still fails", "the {aspect} died after {duration}",
    "I want my money back", "the {aspect} cuts out {time}", "it overheats {time}",
    "the {aspect} is a step backwards from my {competitor}", "nothing about the {aspect} works as promised",
    "the battery drains in a few hours", "it crashes {time}", "the {aspect} stopped responding after {version}",
    "{feature} forgets my settings {time}", "the {aspect} has gone downhill since {version}",
]
NEUTRAL_IDIOMS = [
    "it does what it says, no more, no less", "mixed feelings, the {aspect} is good but {feature} is hit and miss",
    "nothing to write home about, really", "does the job, nothing more", "some things I like, some I don't",
    "can't decide if I like it yet", "it works, I guess", "could be better, could be worse", "neither impressed nor disappointed",
    "the {aspect} varies from day to day", "ask me again in a month",
    "about as good as the price suggests",
]
# Clauses carrying the domain's slang (words GloVe does not know).
POS_SLANG = [
    "not a single desync in {duration}", "it has never desynced once", "it's totally voltastic",
    "zero lagspikes since {version}", "nothing has desynced since the {version} firmware", "the {aspect} is voltastic",
    "no more bootloops since {version}", "{feature} is voltastic after the {version} update",
    "not one lagspike in {duration}", "the {aspect} is pure voltastic",
]
NEG_SLANG = [
    "it desyncs {time}", "it keeps desyncing {time}", "it bootlooped after the {version} update", "it bootloops {time}",
    "the VoltiqLink app is a glitchfest", "lagspikes {time}", "it unpairs {time}", "support told me to reflash it again",
    "I had to reflash it twice", "three replacements and it still desyncs", "the {aspect} is a glitchfest",
    "it dropped off the AuraMesh {time}", "the {version} update is a glitchfest", "constant lagspikes on {platform}",
]
LEXICONS = {
    "pos_adj": POS_ADJ, "neg_adj": NEG_ADJ, "neutral_adj": NEUTRAL_ADJ,
    "pos_verdict": POS_VERDICTS, "neg_verdict": NEG_VERDICTS,
    "pos_idiom": POS_IDIOMS, "neg_idiom": NEG_IDIOMS, "neutral_idiom": NEUTRAL_IDIOMS,
    "pos_slang": POS_SLANG, "neg_slang": NEG_SLANG,
}

# ---- carriers shared by every split (no polarity of their own) -------------------------------------
# One list of frames for all three classes ({adj}: an adjective of the review's polarity), so that the
# carrier sentence says nothing about the label and the adjective has to.
FRAMES = ["the {aspect} is {adj}", "{aspect} is {adj} for the price", "honestly the {aspect} is {adj}",
          "{aspect} is {adj} compared to my {competitor}", "the {version} update made the {aspect} {adj}",
          "{feature} is {adj}", "the {aspect} has been {adj} since {version}", "overall it's {adj}",
          "I find the {aspect} {adj}", "the {aspect}? {adj}"]
NEUTRAL_CLAUSES = [
    "got the {product} {ago}, setting it up this weekend", "does the {product} work with {platform}?",
    "anyone know if {feature} supports {platform}?", "switched from {competitor} to the {product} last month",
    "firmware {version} rolled out to my {product} today", "the {product} arrived, the {aspect} is as described",
    "the {product} comes in black and white", "is {feature} on by default or do I enable it?",
    "how long does {feature} take on the {product}?", "bought the {product} for my dad, he uses it daily",
    "the box includes a USB-C cable and a quick start card", "waiting to see if {version} changes the {aspect}",
]
FILLERS = ["I use it mostly at the gym", "bought it on sale", "my partner picked it", "came as a gift",
           "I work from home so it's on all day", "we have a small flat", "I'm not a tech person",
           "this is my second Voltiq device", "coming from a cheaper brand", "I travel a lot for work",
           "the packaging was nice", "the manual is two pages", "delivery took four days",
           "I read the reviews before buying", "my kids use it too", "it replaced an old {competitor}",
           "I mainly listen to podcasts", "set it up on {platform}", "we have thick walls",
           "I checked the forums first"]
OPENERS = ["", "", "", "update: ", "after {duration}: ", "ok so ", "quick review: ", "honest take: "]
ENDINGS = ["", "", "", ".", ".", "!", "!!", "..."]
EMOJI = {"positive": [" 🙂", " 😍", " 👍"], "negative": [" 😡", " 👎", " 🙄"], "neutral": [" 🤔", " 🙂"]}

# Support posts, changelogs and forum threads: the slang next to ordinary sentiment words, so that its
# meaning can be learnt from co-occurrence ({pos}/{neg}: adjectives, {posv}/{negv}: verdicts,
# {posc}/{negc}: whole clauses; a trailing digit draws a second, independent value).
UNLABELLED_TEMPLATES = [
    "@VoltiqHelp my {product} {negc}, any fix?", "@VoltiqHelp is there a fix for the desync bug on {version}? it's {neg}",
    "VoltiqLink {version} release notes: fixes desyncs on {product}, improves AuraMesh handoff",
    "changelog {version}: {feature} is faster, fewer bootloops, new {aspect} settings",
    "PSA: if your {product} bootloops after {version}, hold the button for 10 seconds and reflash",
    "desyncs are so {neg}. on my {product} {negc}", "the desync bug is {neg} on {platform}",
    "bootloops again, this is getting {neg}", "{feature} vs {competitor}: which is better for {aspect}?",
    "thread: share your {product} automations", "finally got {feature} working with {platform}",
    "voltastic is the word, on my {product} {posc}", "the {product} is voltastic since {version}, {pos} really",
    "anyone tried the {product} with {platform}? how is the {aspect}", "my {product}: {posc}", "my {product}: {negc}",
    "glitchfest of an update, {negc}", "lagspikes on the Zentrix after {version}? {neg}",
    "AuraMesh handoff between Zentrix nodes is {pos} now", "QuikSync pairing takes seconds on {platform}, {pos}",
    "SnapCharge to full in twenty minutes, {pos}", "reflashing fixed the bootloops on my {product}",
    "{product} deal: 20% off this week", "comparing the {product} and {competitor} for {aspect}",
    "the {product} keeps desyncing, {neg} and {neg2}", "my {product} desyncs {time}. {neg}, {negv}",
    "{version} is a glitchfest, {neg} from start to finish", "constant lagspikes, {neg}, {negv}",
    "voltastic! the {aspect} is {pos}", "the {aspect} is voltastic, honestly {pos}", "so {pos}, so voltastic, {posv}",
    "bootlooped overnight, {neg}", "it unpairs {time}, {neg}", "no desyncs at all since {version}, {pos}",
    "desyncing {time} again, {negv}", "what a glitchfest, {neg} and {neg2}", "lagspikes make the {aspect} {neg}",
    "bootloops {time}, {neg} and {neg2}", "stuck in bootloops since {version}, {negv}", "{feature} is voltastic now, {posv}",
]

_SLOT_LEXICON = {"pos": "pos_adj", "neg": "neg_adj", "neutral": "neutral_adj", "posv": "pos_verdict",
                 "negv": "neg_verdict"}
_POLARITY = {"positive": "pos", "negative": "neg"}
_FORMATTER = string.Formatter()


def split_lexicons(fraction: float = SEEN_FRACTION) -> dict[str, list[str]]:
    """The seen part of every lexicon: a seeded ``fraction`` of its entries, in their original order."""
    seen = {}
    for name, items in LEXICONS.items():
        keep = set(random.Random(f"{SEED}:{name}").sample(range(len(items)), round(fraction * len(items))))
        seen[name] = [item for i, item in enumerate(items) if i in keep]
    return seen


class Writer:
    """Fills templates from one rng and one lexicon, recording each sentiment expression it uses."""

    def __init__(self, rng: random.Random, lexicons: dict[str, list[str]]):
        self.rng = rng
        self.lexicons = lexicons
        self.used: list[tuple[str, str]] = []

    def pick(self, lexicon: str) -> str:
        item = self.rng.choice(self.lexicons[lexicon])
        self.used.append((lexicon, item))
        return item

    def fill(self, template: str, kind: str, product: str) -> str:
        values: dict[str, str] = {}
        for _, name, _, _ in _FORMATTER.parse(template):
            if name is not None and name not in values:
                values[name] = self._value(name.rstrip("0123456789"), kind, product)
        return template.format(**values)

    def _value(self, slot: str, kind: str, product: str) -> str:
        if slot in _SLOT_LEXICON:
            return self.pick(_SLOT_LEXICON[slot])
        if slot in ("posc", "negc"):
            return self.clause(slot[:3], kind, product)
        if slot == "product":
            return product
        pools = {"aspect": ASPECTS[kind], "feature": FEATURES, "version": VERSIONS, "platform": PLATFORMS,
                 "competitor": COMPETITORS, "duration": DURATIONS, "time": TIMES, "ago": AGO}
        return self.rng.choice(pools[slot])

    def clause(self, polarity: str, kind: str, product: str) -> str:
        """A positive (``pos``) or negative (``neg``) clause: frame + adjective, idiom or slang."""
        r = self.rng.random()
        if r < CLAUSE_MIX["frame"]:
            template = self.rng.choice(FRAMES).replace("{adj}", "{" + polarity + "}")
        elif r < CLAUSE_MIX["frame"] + CLAUSE_MIX["idiom"]:
            template = self.pick(f"{polarity}_idiom")
        else:
            template = self.pick(f"{polarity}_slang")
        return self.fill(template, kind, product)

    def neutral_clause(self, kind: str, product: str) -> str:
        if self.rng.random() < LUKEWARM:
            if self.rng.random() < 0.6:
                template = self.rng.choice(FRAMES).replace("{adj}", "{neutral}")
            else:
                template = self.pick("neutral_idiom")
        else:
            template = self.rng.choice(NEUTRAL_CLAUSES)
        return self.fill(template, kind, product)

    def review(self, label: str) -> str:
        """One review whose overall polarity is ``label``."""
        rng = self.rng
        kind = rng.choice(sorted(PRODUCTS))
        product = rng.choice(PRODUCTS[kind])
        if label == "neutral":
            parts = [self.neutral_clause(kind, product)]
            if rng.random() < 0.3:
                parts.append(self.neutral_clause(kind, product))
            text = parts[0] if len(parts) == 1 else _sentences(*parts)
        else:
            main = _POLARITY[label]
            other = "neg" if main == "pos" else "pos"
            parts = [self.clause(main, kind, product)]
            if rng.random() < 0.4:
                parts.append(self.clause(main, kind, product))
            if rng.random() < 0.25:  # concession first, the deciding clause after "but"
                parts = [self.clause(other, kind, product) + " but " + parts[0], *parts[1:]]
            if rng.random() < 0.5:
                parts.append(self.pick(f"{main}_verdict"))
            if rng.random() < 0.5:
                parts.insert(0, f"my {product}" if rng.random() < 0.5 else f"the {product}")
                parts[0:2] = [parts[0] + ": " + parts[1]]
            text = ", ".join(parts)
        if rng.random() < 0.3:  # context that carries no polarity, before or after the opinion
            filler = self.fill(rng.choice(FILLERS), kind, product)
            text = _sentences(filler, text) if rng.random() < 0.5 else _sentences(text, filler[0].upper() + filler[1:])
        ending = rng.choice(EMOJI[label]) if rng.random() < 0.08 else rng.choice(ENDINGS)
        if text.endswith("?") and not ending.startswith(" "):
            ending = ""  # no "?." or "?!!"
        text = self.fill(rng.choice(OPENERS), kind, product) + text + ending
        return text[0].upper() + text[1:] if rng.random() < 0.7 else text.lower()

    def post(self) -> str:
        """One unlabelled support post, changelog line or forum message."""
        kind = self.rng.choice(sorted(PRODUCTS))
        return self.fill(self.rng.choice(UNLABELLED_TEMPLATES), kind, self.rng.choice(PRODUCTS[kind]))


def _sentences(first: str, second: str) -> str:
    return first + (" " if first.endswith(("?", "!", ".")) else ". ") + second


def _label_sequence(size: int, rng: random.Random) -> list[str]:
    """``size`` labels in the ``CLASS_WEIGHTS`` proportions (rounded), shuffled: every split is stratified."""
    counts = {label: round(weight * size) for label, weight in CLASS_WEIGHTS.items()}
    counts[max(CLASS_WEIGHTS, key=CLASS_WEIGHTS.get)] += size - sum(counts.values())
    labels = [label for label, count in counts.items() for _ in range(count)]
    rng.shuffle(labels)
    return labels


def build() -> tuple[dict[str, str], dict[str, list[list[tuple[str, str]]]]]:
    """(file name -> content, split -> the sentiment expressions each row used, row by row)."""
    rng = random.Random(SEED)
    seen_lexicons = split_lexicons()
    labels = list(CLASS_WEIGHTS)
    seen: set[str] = set()
    files: dict[str, str] = {}
    expressions: dict[str, list[list[tuple[str, str]]]] = {}
    for split, size in SIZES.items():
        writer = Writer(rng, seen_lexicons if split in TRAIN_SPLITS else LEXICONS)
        rows: list[tuple[str, str]] = []
        expressions[split] = []
        for label in _label_sequence(size, rng):
            while True:
                writer.used = []
                text = writer.review(label)
                if text.lower() not in seen:
                    break
            seen.add(text.lower())
            if rng.random() < LABEL_NOISE:
                label = rng.choice([x for x in labels if x != label])
            rows.append((text, label))
            expressions[split].append(writer.used)
        buffer = io.StringIO()
        csv_writer = csv.writer(buffer, lineterminator="\n")
        csv_writer.writerow(["text", "label"])
        csv_writer.writerows(rows)
        files[f"{split}.csv"] = buffer.getvalue()

    writer = Writer(rng, LEXICONS)  # unlabelled in-domain text covers the whole vocabulary
    lines: list[str] = []
    while len(lines) < N_UNLABELLED:
        # unlabelled reviews: the same distribution, never a labelled text
        text = writer.review(rng.choice(labels)) if rng.random() < 0.45 else writer.post()
        if text.lower() in seen:
            continue
        seen.add(text.lower())
        lines.append(text)
    files["unlabelled.txt"] = "\n".join(lines) + "\n"
    return files, expressions


def generate() -> dict[str, str]:
    """File name -> file content for every demo file."""
    return build()[0]


def coverage_stats(expressions: dict[str, list[list[tuple[str, str]]]], split: str = "test") -> dict:
    """How many of ``split``'s sentiment expressions (occurrences) never occur in the training split."""
    in_train = {e for row in expressions["train"] for e in row}
    used = [e for row in expressions[split] for e in row]
    by_kind: dict[str, list[int]] = {}
    for lexicon, item in used:
        counts = by_kind.setdefault(lexicon.split("_", 1)[1], [0, 0])
        counts[0] += (lexicon, item) not in in_train
        counts[1] += 1
    unseen = sum(c[0] for c in by_kind.values())
    rows_all_unseen = sum(1 for row in expressions[split] if row and all(e not in in_train for e in row))
    return {
        "expressions": len(used), "unseen": unseen, "unseen_fraction": unseen / max(len(used), 1),
        "distinct": len(set(used)), "distinct_unseen": len(set(used) - in_train),
        "by_kind": {k: {"unseen": u, "total": t, "unseen_fraction": u / t} for k, (u, t) in sorted(by_kind.items())},
        "rows_with_expressions": sum(1 for row in expressions[split] if row), "rows_all_unseen": rows_all_unseen,
    }


def _report(expressions) -> str:
    lines = []
    for split in ("validation", "test"):
        s = coverage_stats(expressions, split)
        kinds = ", ".join(f"{k} {v['unseen_fraction']:.0%}" for k, v in s["by_kind"].items())
        lines.append(f"{split}: {s['unseen']}/{s['expressions']} sentiment expressions ({s['unseen_fraction']:.1%}) "
                     f"never occur in train ({kinds}); {s['rows_all_unseen']}/{s['rows_with_expressions']} rows "
                     "have only unseen ones")
    train_words = Counter(e for row in expressions["train"] for e in row)
    lines.append(f"train: {len(train_words)} distinct expressions out of "
                 f"{sum(len(v) for v in LEXICONS.values())} in the full lexicons")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(Path(__file__).resolve().parent / "demo"))
    parser.add_argument("--check", action="store_true", help="Fail if the files on disk differ from a regeneration.")
    parser.add_argument("--stats", action="store_true", help="Only print how much of the test vocabulary train covers.")
    args = parser.parse_args(argv)
    out = Path(args.output)
    files, expressions = build()
    if args.stats:
        print(_report(expressions))
        return 0
    if args.check:
        stale = [n for n, c in files.items() if not (out / n).exists() or (out / n).read_text("utf-8") != c]
        if stale:
            print(f"out of date: {stale}; run python corpora/make_demo.py", file=sys.stderr)
            return 1
        print("demo files are up to date")
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out / name).write_text(content, encoding="utf-8", newline="\n")
        print(f"wrote {out / name} ({len(content.encode('utf-8'))} bytes)")
    print(_report(expressions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
