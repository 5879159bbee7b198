"""Generate the bundled demo data set: reviews of the fictional Voltiq smart-device line.

    python corpora/make_demo.py            # rewrites corpora/demo/*
    python corpora/make_demo.py --check    # regenerates in memory and fails if the files differ

Task: 3-class sentiment (positive / negative / neutral) of short product reviews. Brand, product and
community-slang words (voltiq, aerobud, hubzy, quiksync, desyncs, bootloops, voltastic, ...) are
absent from GloVe 6B, so a classifier on general-purpose vectors misses part of the signal, and the
unlabelled in-domain corpus (support posts, changelogs, forum questions, unlabelled reviews) is what
domain adaptation can learn them from. The signal is learnable but not trivial: about half the
reviews carry no generic verdict ("love it", "returning it"), some polarity is negated ("never
desynced once", "can't recommend"), mixed reviews turn on a "but", neutral texts include lukewarm
opinions, and 3% of labels are flipped at random (annotator noise).

Everything is drawn from one ``random.Random(SEED)``; the output is byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from pathlib import Path

SEED = 20240611
SIZES = {"train": 400, "validation": 100, "test": 200}
N_UNLABELLED = 4000
LABEL_NOISE = 0.03
CLASS_WEIGHTS = {"positive": 0.38, "negative": 0.37, "neutral": 0.25}

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

POS_ADJ = ["excellent", "great", "fantastic", "superb", "really good", "impressive", "spot on", "solid",
           "voltastic", "buttery smooth", "rock-solid", "snappy", "crisp", "brilliant", "a joy to use",
           "better than expected", "top notch", "seriously good", "flawless", "lovely", "reliable", "stellar"]
NEG_ADJ = ["awful", "terrible", "poor", "disappointing", "flaky", "useless", "janky", "laggy", "mediocre at best",
           "a glitchfest", "garbage", "unreliable", "a mess", "frustrating", "painfully slow", "half-baked",
           "worse than my old one", "broken out of the box", "a joke", "embarrassing", "buggy", "patchy"]
NEUTRAL_ADJ = ["okay", "fine", "average", "decent enough", "about what you'd expect", "nothing special", "mid",
               "acceptable", "so-so", "middle of the road", "as advertised", "standard for the price"]
FILLERS = ["I use it mostly at the gym", "bought it on sale", "my partner picked it", "came as a gift",
           "I work from home so it's on all day", "we have a small flat", "I'm not a tech person",
           "this is my second Voltiq device", "coming from a cheaper brand", "I travel a lot for work",
           "the packaging was nice", "the manual is two pages", "delivery took four days",
           "I read the reviews before buying", "my kids use it too", "it replaced an old {competitor}",
           "I mainly listen to podcasts", "set it up on {platform}", "we have thick walls",
           "I checked the forums first"]

POS_CLAUSES = [
    "the {aspect} is {pos}", "{aspect} is {pos} for the price", "honestly the {aspect} is {pos}",
    "{feature} pairs it in seconds", "{feature} just works", "zero dropouts in {duration}",
    "not a single desync in {duration}", "it has never desynced once", "SnapCharge tops it up in ten minutes",
    "I can't fault the {aspect}", "no complaints about the {aspect}", "the {aspect} is not bad at all",
    "way better {aspect} than my old {competitor}", "the {version} update made the {aspect} {pos}",
    "AuraMesh handoff is seamless now", "it's totally voltastic", "the VoltiqLink app is clean and snappy",
    "zero lagspikes since {version}", "set up took two minutes with {feature}",
    "it hasn't dropped once since I got it", "I was sceptical but the {aspect} won me over",
    "the {aspect} beats every {competitor} I've owned", "support sorted my question in an hour",
    "nothing has desynced since the {version} firmware", "the {aspect} keeps surprising me",
]
NEG_CLAUSES = [
    "the {aspect} is {neg}", "{aspect} is {neg} compared to my {competitor}", "honestly the {aspect} is {neg}",
    "it desyncs {time}", "it keeps desyncing {time}", "it bootlooped after the {version} update",
    "it bootloops {time}", "the VoltiqLink app is a glitchfest", "lagspikes {time}",
    "{feature} stopped working after {version}", "I had to reflash it twice", "it unpairs {time}",
    "the {aspect} doesn't hold up", "{feature} never works on the first try", "it's not worth the money",
    "the {aspect} isn't even close to what they advertise", "support told me to reflash it again",
    "SnapCharge barely charges it", "the {aspect} is not good at all", "it dropped off the AuraMesh {time}",
    "I wanted to like it but the {aspect} is {neg}", "the {aspect} got worse after {version}",
    "my old {competitor} never had these problems", "three replacements and it still desyncs",
    "the {aspect} gave up after {duration}", "support keeps closing my ticket",
]
NEUTRAL_CLAUSES = [
    "got the {product} {ago}, setting it up this weekend", "does the {product} work with {platform}?",
    "anyone know if {feature} supports {platform}?", "switched from {competitor} to the {product} last month",
    "firmware {version} rolled out to my {product} today", "the {product} arrived, the {aspect} is as described",
    "the {aspect} is {neutral}, does the job", "it's {neutral}, nothing to write home about",
    "the {product} comes in black and white", "is {feature} on by default or do I enable it?",
    "how long does {feature} take on the {product}?", "bought the {product} for my dad, he uses it daily",
    "the box includes a USB-C cable and a quick start card", "waiting to see if {version} changes the {aspect}",
    "{aspect} is {neutral}; some days better than others", "it does what it says, no more, no less",
    "mixed feelings, the {aspect} is good but {feature} is hit and miss",
]
POS_VERDICTS = ["love it", "highly recommend", "five stars", "best purchase this year", "worth every penny",
                "would buy again", "very happy with it"]
NEG_VERDICTS = ["returning it", "one star", "avoid", "waste of money", "regret buying it", "would not recommend",
                "can't recommend it", "wouldn't buy again"]
OPENERS = ["", "", "", "update: ", "after {duration}: ", "ok so ", "quick review: ", "honest take: "]
ENDINGS = ["", "", "", ".", ".", "!", "!!", "..."]
EMOJI = {"positive": [" 🙂", " 😍", " 👍"], "negative": [" 😡", " 👎", " 🙄"], "neutral": [" 🤔", " 🙂"]}

UNLABELLED_TEMPLATES = [
    "@VoltiqHelp my {product} {negc}, any fix?", "@VoltiqHelp is there a fix for the desync bug on {version}?",
    "VoltiqLink {version} release notes: fixes desyncs on {product}, improves AuraMesh handoff",
    "changelog {version}: {feature} is faster, fewer bootloops, new {aspect} settings",
    "PSA: if your {product} bootloops after {version}, hold the button for 10 seconds and reflash",
    "desyncs are so annoying. on my {product} {negc}", "the desync bug is terrible on {platform}",
    "bootloops again, this is getting ridiculous", "{feature} vs {competitor}: which is better for {aspect}?",
    "thread: share your {product} automations", "finally got {feature} working with {platform}",
    "voltastic is the word, on my {product} {posc}", "the {product} is voltastic since {version}, {posc}",
    "anyone tried the {product} with {platform}? how is the {aspect}", "my {product}: {posc}",
    "my {product}: {negc}", "glitchfest of an update, {negc}", "lagspikes on the Zentrix after {version}?",
    "AuraMesh handoff between Zentrix nodes is {pos} now", "QuikSync pairing takes seconds on {platform}",
    "SnapCharge to full in twenty minutes, amazing", "reflashing fixed my {product}, no more bootloops",
    "{product} deal: 20% off this week", "comparing the {product} and {competitor} for {aspect}",
]


def fill(template: str, rng: random.Random, kind: str, product: str) -> str:
    values = dict(
        aspect=rng.choice(ASPECTS[kind]), pos=rng.choice(POS_ADJ), neg=rng.choice(NEG_ADJ),
        neutral=rng.choice(NEUTRAL_ADJ), feature=rng.choice(FEATURES), version=rng.choice(VERSIONS),
        platform=rng.choice(PLATFORMS), competitor=rng.choice(COMPETITORS), duration=rng.choice(DURATIONS),
        time=rng.choice(TIMES), product=product, ago=rng.choice(["yesterday", "last week", "on Friday", "today"]),
    )
    if "{posc}" in template:
        values["posc"] = fill(rng.choice(POS_CLAUSES), rng, kind, product)
    if "{negc}" in template:
        values["negc"] = fill(rng.choice(NEG_CLAUSES), rng, kind, product)
    return template.format(**values)


def _sentences(first: str, second: str) -> str:
    return first + (" " if first.endswith(("?", "!", ".")) else ". ") + second


def _filler(rng: random.Random, kind: str, product: str) -> str:
    return fill(rng.choice(FILLERS), rng, kind, product)


def _clause(pool: list[str], rng: random.Random, kind: str, product: str) -> str:
    return fill(rng.choice(pool), rng, kind, product)


def review(label: str, rng: random.Random) -> str:
    """One review whose overall polarity is ``label``."""
    kind = rng.choice(sorted(PRODUCTS))
    product = rng.choice(PRODUCTS[kind])
    if label == "neutral":
        parts = [_clause(NEUTRAL_CLAUSES, rng, kind, product)]
        if rng.random() < 0.3:
            parts.append(_clause(NEUTRAL_CLAUSES, rng, kind, product))
        text = parts[0] if len(parts) == 1 else _sentences(*parts)
    else:
        main, other = (POS_CLAUSES, NEG_CLAUSES) if label == "positive" else (NEG_CLAUSES, POS_CLAUSES)
        verdicts = POS_VERDICTS if label == "positive" else NEG_VERDICTS
        parts = [_clause(main, rng, kind, product)]
        if rng.random() < 0.4:
            parts.append(_clause(main, rng, kind, product))
        if rng.random() < 0.25:  # concession first, the deciding clause after "but"
            parts = [_clause(other, rng, kind, product) + " but " + parts[0], *parts[1:]]
        if rng.random() < 0.5:
            parts.append(rng.choice(verdicts))
        if rng.random() < 0.5:
            parts.insert(0, f"my {product}" if rng.random() < 0.5 else f"the {product}")
            parts[0:2] = [parts[0] + ": " + parts[1]]
        text = ", ".join(parts)
    if rng.random() < 0.3:  # context that carries no polarity, before or after the opinion
        filler = _filler(rng, kind, product)
        text = _sentences(filler, text) if rng.random() < 0.5 else _sentences(text, filler[0].upper() + filler[1:])
    ending = rng.choice(EMOJI[label]) if rng.random() < 0.08 else rng.choice(ENDINGS)
    if text.endswith("?") and not ending.startswith(" "):
        ending = ""  # no "?." or "?!!"
    text = fill(rng.choice(OPENERS), rng, kind, product) + text + ending
    text = text[0].upper() + text[1:] if rng.random() < 0.7 else text.lower()
    return text


def generate() -> dict[str, str]:
    """File name -> file content for every demo file."""
    rng = random.Random(SEED)
    labels = list(CLASS_WEIGHTS)
    seen: set[str] = set()
    rows: list[tuple[str, str]] = []
    total = sum(SIZES.values())
    while len(rows) < total:
        label = rng.choices(labels, weights=list(CLASS_WEIGHTS.values()))[0]
        text = review(label, rng)
        if text.lower() in seen:
            continue
        seen.add(text.lower())
        if rng.random() < LABEL_NOISE:
            label = rng.choice([x for x in labels if x != label])
        rows.append((text, label))
    files = {}
    start = 0
    for split, size in SIZES.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["text", "label"])
        writer.writerows(rows[start:start + size])
        files[f"{split}.csv"] = buffer.getvalue()
        start += size

    lines: list[str] = []
    while len(lines) < N_UNLABELLED:
        if rng.random() < 0.45:  # unlabelled reviews: the same distribution, never a labelled text
            text = review(rng.choice(labels), rng)
        else:
            kind = rng.choice(sorted(PRODUCTS))
            text = fill(rng.choice(UNLABELLED_TEMPLATES), rng, kind, rng.choice(PRODUCTS[kind]))
        if text.lower() in seen:
            continue
        seen.add(text.lower())
        lines.append(text)
    files["unlabelled.txt"] = "\n".join(lines) + "\n"
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(Path(__file__).resolve().parent / "demo"))
    parser.add_argument("--check", action="store_true", help="Fail if the files on disk differ from a regeneration.")
    args = parser.parse_args(argv)
    out = Path(args.output)
    files = generate()
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
