"""The house's starter outreach templates (English, French, Italian, Japanese).

Head office edits them in the admin; this only adds the ones missing, and
removes nothing on the way back.
"""

from django.db import migrations

# (name, kind, {language: (subject, body)})
TEMPLATES = [
    (
        "Thank you",
        "service",
        {
            "en": (
                "Thank you, {first_name}",
                "Dear {first_name},\n\nThank you for choosing {piece}. It was a pleasure to see "
                "you; I hope it brings you joy for many seasons. Should anything need adjusting, "
                "I am here.\n\nWarmly,\n{stylist}",
            ),
            "fr": (
                "Merci, {first_name}",
                "Bonjour {first_name},\n\nMerci d'avoir choisi {piece}. Ce fut un plaisir de vous "
                "recevoir ; j'espère que cette pièce vous accompagnera de longues saisons. Pour "
                "toute retouche, je reste à votre disposition.\n\nBien à vous,\n{stylist}",
            ),
            "it": (
                "Grazie, {first_name}",
                "Gentile {first_name},\n\ngrazie per aver scelto {piece}. È stato un piacere "
                "accoglierla; spero che la accompagni per molte stagioni. Per qualsiasi ritocco "
                "sono a sua disposizione.\n\nCordialmente,\n{stylist}",
            ),
            "ja": (
                "{first_name}様、ありがとうございました",
                "{first_name}様\n\nこのたびは{piece}をお選びいただき、誠にありがとうございました。"
                "長くご愛用いただけますように。お直しなどございましたら、いつでもお申し付けください。"
                "\n\n{stylist}",
            ),
        },
    ),
    (
        "Occasion ahead",
        "proactive",
        {
            "en": (
                "For {occasion}",
                "Dear {first_name},\n\nWith {occasion} approaching, I have set aside a few pieces "
                "I think you will love. Would you like me to prepare a private fitting?\n\n"
                "Warmly,\n{stylist}",
            ),
            "fr": (
                "Pour {occasion}",
                "Bonjour {first_name},\n\n{occasion} approche : j'ai mis de côté quelques pièces "
                "qui, je crois, vous plairont. Souhaitez-vous que je vous prépare un essayage "
                "privé ?\n\nBien à vous,\n{stylist}",
            ),
            "it": (
                "Per {occasion}",
                "Gentile {first_name},\n\ncon {occasion} alle porte, ho messo da parte alcuni capi "
                "che credo le piaceranno. Desidera che le prepari una prova privata?\n\n"
                "Cordialmente,\n{stylist}",
            ),
            "ja": (
                "{occasion}に向けて",
                "{first_name}様\n\n{occasion}が近づいてまいりました。お似合いになりそうなお品を"
                "いくつかご用意しております。プライベートフィッティングのご予約を承りましょうか。"
                "\n\n{stylist}",
            ),
        },
    ),
    (
        "A piece for you",
        "proactive",
        {
            "en": (
                "{piece}, set aside for you",
                "Dear {first_name},\n\n{piece} has just arrived at the boutique and I thought of "
                "you at once. May I keep it aside for you?\n\n{stylist}",
            ),
            "fr": (
                "{piece}, pour vous",
                "Bonjour {first_name},\n\n{piece} vient d'arriver en boutique et j'ai tout de "
                "suite pensé à vous. Souhaitez-vous que je la mette de côté ?\n\n{stylist}",
            ),
            "it": (
                "{piece}, per lei",
                "Gentile {first_name},\n\n{piece} è appena arrivato in boutique e ho pensato "
                "subito a lei. Desidera che lo tenga da parte?\n\n{stylist}",
            ),
            "ja": (
                "{piece}のご案内",
                "{first_name}様\n\n{piece}が入荷いたしました。真っ先に{first_name}様を思い浮かべました。"
                "お取り置きいたしましょうか。\n\n{stylist}",
            ),
        },
    ),
    (
        "Thinking of you",
        "proactive",
        {
            "en": (
                "The new season, {first_name}",
                "Dear {first_name},\n\nIt has been a little while, and I wanted to say hello. The "
                "new season is in the boutique; I would be delighted to show it to you whenever "
                "suits you.\n\n{stylist}",
            ),
            "fr": (
                "La nouvelle saison, {first_name}",
                "Bonjour {first_name},\n\nCela fait un moment, et je voulais simplement prendre "
                "de vos nouvelles. La nouvelle saison est arrivée en boutique : je serais ravie de "
                "vous la présenter quand vous le souhaitez.\n\n{stylist}",
            ),
            "it": (
                "La nuova stagione, {first_name}",
                "Gentile {first_name},\n\nè passato un po' di tempo e desideravo salutarla. La "
                "nuova stagione è arrivata in boutique: sarei lieta di mostrargliela quando "
                "preferisce.\n\n{stylist}",
            ),
            "ja": (
                "新しいシーズンのご案内",
                "{first_name}様\n\nご無沙汰しております。新しいシーズンのコレクションが届きました。"
                "ご都合のよろしい時に、ぜひご覧いただければ幸いです。\n\n{stylist}",
            ),
        },
    ),
]


def add_templates(apps, schema_editor):
    OutreachTemplate = apps.get_model("stylists", "OutreachTemplate")
    for name, kind, languages in TEMPLATES:
        for language, (subject, body) in languages.items():
            OutreachTemplate.objects.get_or_create(
                name=name,
                language=language,
                defaults={"kind": kind, "subject": subject, "body": body},
            )


class Migration(migrations.Migration):
    dependencies = [("stylists", "0002_message_delivery_and_context")]

    operations = [migrations.RunPython(add_templates, migrations.RunPython.noop)]
