"""Clients' names by origin: first names, surnames, language, phone numbering, time zone.

Every e-mail domain the demo gives clients is an example domain (RFC 2606), so
no message of the demo can ever reach a real person.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def ascii_fold(text: str) -> str:
    """'Élise d'Aubigny' -> 'Elise d'Aubigny': for e-mail addresses and SKUs."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def handle(text: str) -> str:
    """A lower-case ASCII token for addresses: 'De La Rochère' -> 'delarochere'."""
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text).lower())


@dataclass(frozen=True)
class Origin:
    """Where a client comes from: names, language, phone numbering, home time zone."""

    key: str
    language: str
    email_domain: str
    timezone: str  # blank: the home boutique's
    phone_prefixes: tuple[str, ...]  # E.164 prefix; the rest are random digits
    phone_length: int  # total digits after the "+"
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]


def _names(text: str) -> tuple[str, ...]:
    """Whitespace-separated names; an underscore joins a name of several words."""
    return tuple(name.replace("_", " ") for name in text.split())


ORIGINS: dict[str, Origin] = {
    "fr": Origin(
        "fr",
        "fr",
        "example.fr",
        "",
        ("+336", "+337"),
        11,
        _names(
            "Camille Claire Inès Louise Margaux Juliette Manon Chloé Léa Sophie Hélène "
            "Isabelle Catherine Anne Marie Céline Aurélie Delphine Émilie Laure Bérénice "
            "Capucine Apolline Agathe Constance Victoire Joséphine Clémence Hortense "
            "Eugénie Solène Albane Blanche Diane Garance Maud Noémie Ombeline Philippine "
            "Sixtine Valentine Violette Anaïs Charlotte Mathilde Alix Bénédicte Odile"
        ),
        _names(
            "Louis Antoine Hugo Arthur Jules Charles Henri Pierre Étienne Nicolas "
            "Olivier Philippe Laurent François Guillaume Mathieu Bertrand Édouard "
            "Gaspard Augustin Baptiste Côme Grégoire Théophile Alexandre"
        ),
        _names(
            "Laurent Moreau Fontaine Dubois Lefebvre Mercier Girard Bonnet Lambert "
            "Rousseau Garnier Chevalier Faure Blanchard Guérin Boyer Dupont Roussel "
            "Perrin Morin Clément Gauthier Masson Marchal Aubert Lemoine Renard Picard "
            "Brunet Caron Vidal Colin Arnaud Deschamps Lacroix Barbier Hubert Carpentier "
            "de_Montclar de_La_Rochère d'Aubigny de_Villeneuve Beaumont Delorme Tessier "
            "Valette Castel Régnier Saint-Clair Lécuyer Aumont Duplessis Ferrand "
            "Leclerc Marchetti Benoît Joubert Rivière Sauvage Vernet"
        ),
    ),
    "it": Origin(
        "it",
        "it",
        "example.it",
        "",
        ("+3933", "+3934", "+3932"),
        12,
        _names(
            "Giulia Francesca Chiara Sofia Alessandra Valentina Martina Elena Beatrice "
            "Ludovica Ginevra Benedetta Caterina Vittoria Matilde Allegra Costanza "
            "Eleonora Margherita Camilla Federica Serena Arianna Lucrezia Ottavia "
            "Bianca Cecilia Gaia Livia Virginia Noemi Anna Maria Paola Cristina Silvia"
        ),
        _names(
            "Lorenzo Alessandro Giovanni Leonardo Matteo Francesco Federico Tommaso "
            "Riccardo Edoardo Filippo Giacomo Niccolò Pietro Carlo Andrea Marco Luca "
            "Stefano Vittorio Gabriele Ludovico Ettore Guido"
        ),
        _names(
            "Rossi Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno "
            "Gallo Conti De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri "
            "Fontana Santoro Mariani Rinaldi Caruso Ferrara Galli Martini Leone Longo "
            "Gentile Martinelli Vitale Serra Coppola De_Santis D'Angelo Marchetti Parisi "
            "Villa Cattaneo Sala Borromeo Visconti Sforza Crespi Pirelli Brambilla "
            "Castiglioni Trivulzio Melzi Litta Orsini Della_Torre Falck Invernizzi"
        ),
    ),
    "jp": Origin(
        "jp",
        "ja",
        "example.jp",
        "",
        ("+8190", "+8180", "+8170"),
        12,
        _names(
            "Yui Aiko Haruka Sakura Yuki Mei Rina Aya Mai Nanami Misaki Kana Emi Saki "
            "Ayumi Kaori Naomi Reiko Keiko Tomoko Akiko Yoko Noriko Mariko Hina Mio "
            "Honoka Koharu Chihiro Asuka Natsuki Shiori Ayaka Eri Megumi Sayaka"
        ),
        _names(
            "Haruto Ren Sota Yuto Kaito Takumi Hiroshi Kenji Takeshi Daisuke Shota "
            "Ryota Yusuke Kazuki Naoki Satoshi Makoto Akira Kenta Tatsuya"
        ),
        _names(
            "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi "
            "Kato Yoshida Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi "
            "Shimizu Yamazaki Mori Abe Ikeda Hashimoto Ishikawa Ogawa Fujita Okada "
            "Goto Hasegawa Murakami Kondo Ishii Saito Sakamoto Endo Aoki Fujii "
            "Nishimura Fukuda Ota Miura Fujiwara Okamoto Matsuda Nakagawa Hosokawa "
            "Takeda Kujo Ichijo"
        ),
    ),
    "gb": Origin(
        "gb",
        "en",
        "example.com",
        "Europe/London",
        ("+447",),
        12,
        _names(
            "Charlotte Olivia Amelia Harriet Imogen Georgina Eleanor Beatrice Florence "
            "Victoria Arabella Lucinda Clementine Sophie Emily"
        ),
        _names("James William Oliver Henry Edward Rupert Hugo Alexander Thomas George"),
        _names(
            "Ashworth Pemberton Whitaker Fairfax Harrington Cavendish Ellison Thornton "
            "Blackwood Montague Sinclair Lockhart Hargreaves Carrington Wakefield"
        ),
    ),
    "us": Origin(
        "us",
        "en",
        "example.com",
        "America/New_York",
        ("+1212", "+1646", "+1917", "+1310", "+1415", "+1305"),
        11,
        _names(
            "Madison Caroline Elizabeth Grace Abigail Lauren Katherine Margaret Sarah "
            "Allison Julia Natalie Claire Hannah Stephanie"
        ),
        _names("Michael Christopher Daniel Andrew Jonathan Benjamin Robert Matthew Ryan Nathaniel"),
        _names(
            "Whitman Caldwell Prescott Sterling Van_Dyke Hollister Bennett Crawford "
            "Donovan Harper Lancaster Mitchell Pierce Reynolds Schuyler"
        ),
    ),
    "de": Origin(
        "de",
        "de",
        "example.com",
        "Europe/Berlin",
        ("+49151", "+49160", "+49170", "+49176"),
        13,
        _names(
            "Katharina Charlotte Johanna Friederike Antonia Helene Luise Marlene "
            "Clara Sophie Annika Franziska"
        ),
        _names("Maximilian Konstantin Friedrich Moritz Leopold Jakob Felix Johannes"),
        _names(
            "von_Arnim Hohenberg Lindqvist Baumann Richter Wagner Schäfer Hartmann "
            "Brandt Keller Vogel Lorenz von_Stein Falkenberg"
        ),
    ),
    "ch": Origin(
        "ch",
        "de",
        "example.com",
        "Europe/Zurich",
        ("+4179", "+4178", "+4176"),
        11,
        _names("Seraina Anna-Lena Nina Ladina Corinne Mirjam Andrea Martina"),
        _names("Reto Urs Beat Gian Andrin Lukas"),
        _names("Caflisch Sprüngli Gugelmann Zellweger Tschudi Bodmer Iselin Planta"),
    ),
    "es": Origin(
        "es",
        "es",
        "example.com",
        "Europe/Madrid",
        ("+346",),
        11,
        _names("Lucía Carmen Paloma Cayetana Inés Almudena Macarena Pilar Blanca"),
        _names("Álvaro Íñigo Gonzalo Borja Javier Santiago"),
        _names(
            "Fernández_de_Córdoba García-Osorio Mendoza Álvarez_de_Toledo Sánchez "
            "Ruiz Ortega Cabrera Navarro Herrera"
        ),
    ),
    "tw": Origin(
        "tw",
        "zh-hant",
        "example.com",
        "Asia/Taipei",
        ("+886912", "+886921", "+886932"),
        12,
        _names("Yi-Ting Hsin-Yi Ya-Ting Shu-Fen Mei-Hua Pei-Shan Chia-Hui"),
        _names("Chih-Hao Chun-Chieh Wei-Lun Chia-Hung Tsung-Han"),
        _names("Chen Lin Huang Chang Lee Wang Wu Liu Tsai Yang"),
    ),
    "br": Origin(
        "br",
        "pt",
        "example.com",
        "America/Sao_Paulo",
        ("+55119", "+55219"),
        13,
        _names("Beatriz Mariana Gabriela Isabela Larissa Helena Luiza"),
        _names("Rafael Gustavo Thiago Eduardo Felipe"),
        _names("Almeida Carvalho Monteiro Albuquerque Bragança Junqueira Prado"),
    ),
    "cn": Origin(
        "cn",
        "zh-hans",
        "example.com",
        "Asia/Shanghai",
        ("+86138", "+86139", "+86186"),
        13,
        _names("Jing Li Na Yan Xin Yue Ting Hui Mei Ling Wen Xiaoyu Ruoxi Shiyu"),
        _names("Wei Hao Jun Lei Tao Yang Chen Zhiwei"),
        _names("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Lin"),
    ),
    "kr": Origin(
        "kr",
        "ko",
        "example.com",
        "Asia/Seoul",
        ("+8210",),
        12,
        _names("Ji-woo Seo-yeon Min-ji Ha-eun Soo-ah Ye-jin Da-eun Yuna"),
        _names("Min-jun Seo-jun Ji-ho Hyun-woo Do-yoon"),
        _names("Kim Lee Park Choi Jung Kang Cho Yoon Jang Han"),
    ),
    "sg": Origin(
        "sg",
        "en",
        "example.com",
        "Asia/Singapore",
        ("+658", "+659"),
        10,
        _names("Rachel Michelle Vanessa Cheryl Jasmine Priya Amanda"),
        _names("Marcus Jonathan Darren Adrian Ethan"),
        _names("Tan Lim Ng Goh Ong Teo Koh Chua Menon"),
    ),
    "ae": Origin(
        "ae",
        "ar",
        "example.com",
        "Asia/Dubai",
        ("+97150", "+97155"),
        12,
        _names("Fatima Mariam Noura Shamma Hessa Latifa Aisha Sheikha Maitha Alya"),
        _names("Khalid Rashid Saeed Hamdan Omar Sultan"),
        _names(
            "Al_Maktoum Al_Nahyan Al_Falasi Al_Mansouri Al_Suwaidi Al_Mazrouei Al_Qasimi Al_Hashimi"
        ),
    ),
}

# Home boutique -> origin -> share of that boutique's clients.
BOUTIQUE_ORIGINS: dict[str, dict[str, float]] = {
    "paris": {
        "fr": 0.70,
        "gb": 0.05,
        "us": 0.06,
        "de": 0.03,
        "cn": 0.05,
        "ae": 0.04,
        "br": 0.02,
        "es": 0.02,
        "tw": 0.01,
        "kr": 0.02,
    },
    "milan": {"it": 0.74, "ch": 0.05, "de": 0.05, "us": 0.04, "gb": 0.03, "cn": 0.05, "ae": 0.04},
    "tokyo": {"jp": 0.78, "cn": 0.07, "kr": 0.05, "sg": 0.04, "us": 0.04, "gb": 0.02},
}

# Some clients write in English whatever their origin.
ENGLISH_SPEAKERS_SHARE = 0.08
