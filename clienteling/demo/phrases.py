"""What advisors and clients write: notes, messages, styling requests, occasion titles.

Templates take {placeholders} filled from the client's profile and history, in
the house's tone: warm but not familiar, anticipatory but not intrusive.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T", str, tuple[str, str])
_SHE = re.compile(r"\b(she|her|herself)\b", re.IGNORECASE)


@lru_cache(maxsize=64)
def suited(options: tuple[T, ...], gender: str) -> tuple[T, ...]:
    """The options that fit the client: texts saying 'she' or 'her' only for women."""
    if gender == "f":
        return options
    fitting = tuple(o for o in options if not _SHE.search(o if isinstance(o, str) else o[1]))
    return fitting or options


# (category, text). Placeholders: {first_name} {display_name} {size} {shoe} {colour}
# {colour2} {material} {avoided} {piece} {month} {city} {advisor}
NOTES: tuple[tuple[str, str], ...] = (
    ("service", "Prefers to be contacted after 6 pm; collects the Étrier line."),
    (
        "service",
        "Likes to see new pieces before they reach the windows: send photographs first, "
        "never a catalogue.",
    ),
    (
        "style",
        "Wears {size} in ready-to-wear but takes one size up in our tailored jackets: broad "
        "shoulders from years of swimming.",
    ),
    ("style", "Quiet, precise taste: {colour}, {colour2}, no visible logos."),
    ("style", "Does not wear {avoided}; never propose it, even as a gift for someone else."),
    ("style", "Loves {material}. Asked to be told when the {piece} comes back in {colour}."),
    ("style", "Shoes: {shoe}, narrow foot. Prefers a heel under 70 mm for the day."),
    (
        "personal",
        "Her husband buys her birthday present here every year; call him in early "
        "{month}, he likes to be guided.",
    ),
    ("personal", "Travels to {city} twice a year; happy for the team there to look after her."),
    (
        "personal",
        "Came in with her daughter, who is starting at Sciences Po: a first bag, perhaps.",
    ),
    ("personal", "Has two dogs who come to the boutique with her: water bowl by the sofa."),
    ("logistics", "Reserved pieces: hold until Saturday, she visits at weekends."),
    (
        "logistics",
        "Deliver to the office, never to the home address. Reception is open until 7 pm.",
    ),
    ("logistics", "Pays by bank transfer: send pro-forma invoices to her assistant."),
    ("logistics", "Prefers private appointments before opening; tea, not coffee."),
    (
        "service",
        "Brought back the {piece} for care after three years: the edges repainted, "
        "delighted with it.",
    ),
    ("service", "Prefers WhatsApp voice notes to e-mails when something arrives."),
    ("style", "Collects the carré prints; owns fourteen. Frames the ones she does not wear."),
    ("style", "Building a capsule wardrobe for travel: everything must fold, nothing must crease."),
    ("personal", "Opera season subscriber: Garnier on Thursdays. Evening pieces in {month}."),
)
VIC_NOTES: tuple[tuple[str, str], ...] = (
    ("service", "VIC: invite to the private preview of each collection, with a guest."),
    ("service", "VIC: offer the atelier visit on the rue du Bac; she has asked twice."),
)

GREETINGS = {
    "fr": "Bonjour",
    "it": "Buongiorno",
    "ja": "いつもありがとうございます。",
    "de": "Guten Tag",
    "es": "Buenos días",
    "pt": "Bom dia",
}

# Conversations: (kind of opener, outbound opener, client reply, advisor answer).
THREADS: tuple[tuple[str, str, str, str], ...] = (
    (
        "proactive",
        "{greeting} {display_name}, the {piece} has just arrived in your size in {city}. I have "
        "set one aside for you until Saturday, should you wish to try it. {advisor}",
        "Thank you, that is kind. Could I come on Friday at the end of the afternoon?",
        "Of course: Friday at 5.30 pm, I will be waiting for you. {advisor}",
    ),
    (
        "proactive",
        "{greeting} {display_name}, with your {occasion} approaching I have put together a few "
        "pieces I think you will like. They are waiting in your Style Story. {advisor}",
        "They are lovely. The second one especially. Is it possible in {colour}?",
        "It is, in two weeks' time. I will reserve one and let you know the moment it arrives. "
        "{advisor}",
    ),
    (
        "proactive",
        "{greeting} {display_name}, thank you for your visit. I hope the {piece} is everything "
        "you hoped; do not hesitate if you would like the sleeves adjusted. {advisor}",
        "It is perfect, thank you again for your patience.",
        "It was a pleasure. Until next time. {advisor}",
    ),
    (
        "service",
        "{greeting} {display_name}, your {piece} is ready to be collected from the boutique. "
        "We are open until 7 pm. {advisor}",
        "Wonderful, I will come tomorrow.",
        "Very good, it will be waiting for you at the desk. {advisor}",
    ),
)
INBOUND_FIRST: tuple[tuple[str, str], ...] = (
    (
        "Good morning, do you still have the {piece} in {size}? I saw it in the window last week.",
        "{greeting} {display_name}, we do: I have put one aside in {size} under your name. "
        "{advisor}",
    ),
    (
        "Could you help me find a present for my mother's seventieth? She loves {colour}.",
        "{greeting} {display_name}, with pleasure. I will send you three ideas this afternoon. "
        "{advisor}",
    ),
    (
        "Is it possible to have my bag's handle restored? It has been well loved.",
        "{greeting} {display_name}, of course: bring it in and our atelier will take care of it; "
        "it usually takes three weeks. {advisor}",
    ),
)
SUBJECTS = (
    "A piece set aside for you",
    "For your {occasion}",
    "Thank you for your visit",
    "Ready to collect",
    "Your request",
)

# The same conversations as THREADS, INBOUND_FIRST and SUBJECTS (same order, so the demo
# draws the same ones), written in the client's language where the demo's advisors write
# it: an advisor in Paris writes to a French client in French. They leave out {colour} and
# {occasion}, which hold English words.
THREADS_IN: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "fr": (
        (
            "proactive",
            "{greeting} {display_name}, le {piece} vient d’arriver à votre taille à {city}. Je "
            "vous le réserve jusqu’à samedi, si vous souhaitez l’essayer. {advisor}",
            "Merci, c’est très aimable. Pourrais-je passer vendredi en fin d’après-midi ?",
            "Bien sûr : vendredi à 17 h 30, je vous attendrai. {advisor}",
        ),
        (
            "proactive",
            "{greeting} {display_name}, à l’approche de votre événement, j’ai réuni quelques "
            "pièces qui devraient vous plaire. Elles vous attendent dans votre Style Story. "
            "{advisor}",
            "Elles sont très belles, surtout la deuxième. Existe-t-elle dans un autre coloris ?",
            "Oui, d’ici deux semaines. Je vous en réserve une et vous préviens dès son arrivée. "
            "{advisor}",
        ),
        (
            "proactive",
            "{greeting} {display_name}, merci de votre visite. J’espère que le {piece} vous "
            "comble ; n’hésitez pas si vous souhaitez faire ajuster les manches. {advisor}",
            "Il est parfait, merci encore pour votre patience.",
            "Ce fut un plaisir. À très bientôt. {advisor}",
        ),
        (
            "service",
            "{greeting} {display_name}, votre {piece} vous attend à la boutique. Nous sommes "
            "ouverts jusqu’à 19 h. {advisor}",
            "Parfait, je passerai demain.",
            "Très bien, il vous attendra à l’accueil. {advisor}",
        ),
    ),
    "it": (
        (
            "proactive",
            "{greeting} {display_name}, il {piece} è appena arrivato nella sua taglia a {city}. "
            "Glielo tengo da parte fino a sabato, se desidera provarlo. {advisor}",
            "Grazie, molto gentile. Potrei passare venerdì nel tardo pomeriggio?",
            "Certamente: venerdì alle 17.30, la aspetto. {advisor}",
        ),
        (
            "proactive",
            "{greeting} {display_name}, in vista del suo evento ho riunito alcuni capi che credo "
            "le piaceranno. La aspettano nella sua Style Story. {advisor}",
            "Sono bellissimi, soprattutto il secondo. Esiste in un altro colore?",
            "Sì, fra due settimane. Gliene riservo uno e la avviso appena arriva. {advisor}",
        ),
        (
            "proactive",
            "{greeting} {display_name}, grazie della sua visita. Spero che il {piece} sia come lo "
            "desiderava; non esiti se vuole far sistemare le maniche. {advisor}",
            "È perfetto, grazie ancora per la pazienza.",
            "È stato un piacere. A presto. {advisor}",
        ),
        (
            "service",
            "{greeting} {display_name}, il suo {piece} è pronto da ritirare in boutique. Siamo "
            "aperti fino alle 19. {advisor}",
            "Benissimo, passo domani.",
            "Perfetto, la aspetterà all’accoglienza. {advisor}",
        ),
    ),
}
INBOUND_FIRST_IN: dict[str, tuple[tuple[str, str], ...]] = {
    "fr": (
        (
            "Bonjour, avez-vous encore le {piece} en {size} ? Je l’ai vu en vitrine la semaine "
            "dernière.",
            "{greeting} {display_name}, oui : je vous en ai mis un de côté en {size}, à votre "
            "nom. {advisor}",
        ),
        (
            "Pourriez-vous m’aider à trouver un cadeau pour les soixante-dix ans de ma mère ?",
            "{greeting} {display_name}, avec plaisir. Je vous envoie trois idées cet "
            "après-midi. {advisor}",
        ),
        (
            "Est-il possible de faire restaurer l’anse de mon sac ? Il a beaucoup vécu.",
            "{greeting} {display_name}, bien sûr : apportez-le, notre atelier s’en occupera ; "
            "il faut compter trois semaines. {advisor}",
        ),
    ),
    "it": (
        (
            "Buongiorno, avete ancora il {piece} in {size}? L’ho visto in vetrina la settimana "
            "scorsa.",
            "{greeting} {display_name}, sì: gliene ho messo da parte uno in {size} a suo nome. "
            "{advisor}",
        ),
        (
            "Potrebbe aiutarmi a trovare un regalo per i settant’anni di mia madre?",
            "{greeting} {display_name}, con piacere. Le mando tre idee nel pomeriggio. {advisor}",
        ),
        (
            "È possibile far restaurare il manico della mia borsa? È stata molto amata.",
            "{greeting} {display_name}, certo: la porti in boutique, se ne occuperà il nostro "
            "atelier; di solito servono tre settimane. {advisor}",
        ),
    ),
}
SUBJECTS_IN: dict[str, tuple[str, ...]] = {
    "fr": (
        "Une pièce mise de côté pour vous",
        "Pour votre événement",
        "Merci de votre visite",
        "Prête à être retirée",
        "Votre demande",
    ),
    "it": (
        "Un capo messo da parte per lei",
        "Per il suo evento",
        "Grazie della sua visita",
        "Pronto da ritirare",
        "La sua richiesta",
    ),
}

STYLING_REQUESTS: tuple[str, ...] = (
    "I have a wedding in Portofino in June: could you suggest a complete look, ideally in silk?",
    "Looking for a present for my husband's fortieth. Leather, nothing too formal.",
    "Could you put together a travel wardrobe for two weeks in Kyoto in November?",
    "I need an evening look for the opera gala, something I can wear again.",
    "A business dinner in Milan next week: understated, but not dull.",
    "Something for my daughter's graduation, for both of us if possible.",
    "I would like to start a jewellery collection. Where would you begin?",
    "A weekend in Deauville: what should I pack?",
)
ANSWERS = (
    "I have prepared a lookbook for you; it is waiting in your Style Story.",
    "Three ideas are in your Style Story, and I have reserved the first one in your size.",
)

APPOINTMENT_PURPOSES: dict[str, tuple[str, ...]] = {
    "boutique": (
        "Fitting for the {piece}",
        "Wardrobe review for the season",
        "Engagement ring consultation",
        "Gala dress fitting",
        "Private preview of the new collection",
        "Collecting a special order",
        "Gift selection",
    ),
    "video": (
        "Styling call: {occasion}",
        "Video consultation: travel wardrobe",
        "Showing the new arrivals",
        "Follow-up on the {piece}",
    ),
}

OCCASION_TITLES: dict[str, dict[str, tuple[str, ...]]] = {
    "wedding": {
        "*": (
            "Her daughter's wedding in Portofino",
            "Wedding of a close friend in Provence",
            "Her niece's wedding on Lake Como",
            "Wedding in the Hamptons",
            "Son's wedding in Kyoto",
            "Her own wedding, at the mairie",
        ),
    },
    "gala": {
        "paris": (
            "Gala at the Palais Garnier",
            "Charity dinner at the Petit Palais",
            "Opening night, Théâtre des Champs-Élysées",
        ),
        "milan": (
            "Opening night at La Scala",
            "Charity gala at a villa on Lake Como",
            "Dinner during Milan fashion week",
        ),
        "tokyo": ("Kabuki-za première", "New Year reception in Ginza", "Charity gala, Roppongi"),
    },
    "travel": {
        "*": (
            "Summer in Capri",
            "Skiing in Courchevel",
            "Business trip to New York",
            "A month in Kyoto",
            "Sailing in the Aeolian islands",
            "Cannes, in May",
            "Art fair in Basel",
        ),
    },
    "milestone": {
        "*": (
            "Promotion to partner",
            "Retirement dinner",
            "Her son's graduation",
            "Opening of her gallery",
            "Book launch",
        ),
    },
    "holiday": {
        "*": (
            "Christmas in Gstaad",
            "New Year in Kyoto",
            "Easter with the family in Puglia",
            "Golden Week",
        ),
    },
}
OCCASION_NOTES = (
    "Wants something she can wear again.",
    "Dress code: black tie.",
    "Will need shoes she can stand in all evening.",
    "Travelling light.",
    "Outdoor, in the garden: no stilettos.",
    "",
)
FOLLOW_UPS = (
    "Call about resizing the Étrier ring.",
    "Send the photographs of the new carrés.",
    "Check whether the {piece} has arrived in her size.",
    "Invite to the private preview.",
    "Thank her for the introduction to her sister.",
    "Confirm the atelier visit date.",
)
