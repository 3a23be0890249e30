"""The demo policy's summary in the concierge's eleven other languages.

A house publishes these through the admin (consent.services.policy_translation_publish)
after its own translators have written them; the demo publishes them with the policy, so
a client reading German is shown the policy in German. Tier names are those of the
interface in each language (locale/*/LC_MESSAGES/django.po).
"""

from __future__ import annotations

POLICY_SUMMARIES = {
    "fr": (
        "Maison Verlaine n’utilise ce que vous nous confiez que selon vos choix. Essentiel : "
        "nous répondons à vos demandes, rien de plus. Personnel : votre conseiller peut aussi "
        "s’appuyer sur vos achats, vos tailles, vos goûts et vos occasions pour vous préparer "
        "des lookbooks, ébauchés avec l’aide de notre modèle de recommandation et toujours "
        "revus par lui. Sur mesure : nous pouvons aussi tenir compte de ce que vous consultez "
        "et enregistrez. Vous choisissez à part comment nous pouvons vous contacter, et vous "
        "pouvez changer d’avis à tout moment, en ligne ou auprès de votre conseiller."
    ),
    "it": (
        "Maison Verlaine utilizza ciò che condivide con noi solo come sceglie Lei. Essenziale: "
        "rispondiamo alle Sue richieste, niente di più. Personale: il Suo consulente può anche "
        "usare i Suoi acquisti, le taglie, i gusti e le occasioni per prepararLe dei lookbook, "
        "elaborati con l’aiuto del nostro modello di raccomandazione e sempre rivisti da lui. "
        "Su misura: possiamo anche tenere conto di ciò che consulta e salva. Sceglie a parte "
        "come possiamo contattarLa, e può cambiare idea in qualsiasi momento, online o con il "
        "Suo consulente."
    ),
    "de": (
        "Maison Verlaine verwendet, was Sie uns anvertrauen, nur so, wie Sie es wählen. "
        "Essenziell: Wir bearbeiten Ihre Anfragen, nichts weiter. Persönlich: Ihre Beratung "
        "darf zudem Ihre Käufe, Größen, Vorlieben und Anlässe nutzen, um Lookbooks für Sie "
        "vorzubereiten, mit Hilfe unseres Empfehlungsmodells entworfen und stets persönlich "
        "geprüft. Maßgeschneidert: Wir dürfen auch berücksichtigen, was Sie ansehen und "
        "speichern. Wie wir Sie kontaktieren dürfen, wählen Sie gesondert, und Sie können "
        "Ihre Entscheidung jederzeit ändern, online oder bei Ihrer Beratung."
    ),
    "es": (
        "Maison Verlaine utiliza lo que usted comparte con nosotros solo como usted elige. "
        "Esencial: atendemos las solicitudes que nos hace, nada más. Personal: su asesor "
        "también puede utilizar sus compras, tallas, gustos y ocasiones para prepararle "
        "lookbooks, elaborados con la ayuda de nuestro modelo de recomendación y siempre "
        "revisados por él. A medida: también podemos tener en cuenta lo que consulta y guarda. "
        "Usted elige por separado cómo podemos contactarle, y puede cambiar de opinión en "
        "cualquier momento, en línea o con su asesor."
    ),
    "pt": (
        "A Maison Verlaine utiliza o que partilha connosco apenas como escolher. Essencial: "
        "respondemos aos pedidos que faz, nada mais. Pessoal: o seu consultor pode também usar "
        "as suas compras, tamanhos, gostos e ocasiões para lhe preparar lookbooks, elaborados "
        "com a ajuda do nosso modelo de recomendação e sempre revistos por ele. Por medida: "
        "podemos também considerar o que consulta e guarda. Escolhe à parte como o podemos "
        "contactar, e pode mudar de ideias a qualquer momento, online ou com o seu consultor."
    ),
    "ru": (
        "Maison Verlaine использует то, чем Вы с нами делитесь, только так, как решите Вы. "
        "Базовый: мы выполняем Ваши запросы, и ничего более. Персональный: Ваш консультант "
        "также может опираться на Ваши покупки, размеры, вкусы и памятные даты, чтобы "
        "готовить для Вас лукбуки, составленные с помощью нашей рекомендательной модели и "
        "всегда проверенные им лично. Индивидуальный: мы также можем учитывать то, что Вы "
        "просматриваете и сохраняете. Способы связи с Вами Вы выбираете отдельно и можете "
        "изменить решение в любой момент — онлайн или через Вашего консультанта."
    ),
    "ar": (
        "لا تستخدم ميزون فيرلين ما تشاركونه معنا إلا كما تختارون. أساسي: نلبّي طلباتكم، لا "
        "أكثر. شخصي: يمكن لمستشارتكم أيضاً الاستعانة بمشترياتكم ومقاساتكم وأذواقكم ومناسباتكم "
        "لإعداد كتب إطلالات لكم، تُصاغ مسوداتها بمساعدة نموذج التوصيات لدينا وتراجعها هي "
        "دائماً. حسب الطلب: يمكننا أيضاً مراعاة ما تتصفحونه وتحفظونه. وتختارون على حدة كيف "
        "يمكننا التواصل معكم، ويمكنكم تغيير رأيكم في أي وقت، عبر الإنترنت أو مع مستشارتكم."
    ),
    "ja": (
        "メゾン・ヴェルレーヌは、お客様からお預かりした情報を、お客様が選ばれた範囲でのみ"
        "使用します。エッセンシャル：お客様からのご依頼にお応えするためだけに使用します。"
        "パーソナル：担当アドバイザーが、ご購入履歴、サイズ、お好み、記念日をもとに"
        "ルックブックをご用意します。下書きは当社のレコメンデーションモデルが作成し、"
        "必ずアドバイザーが確認します。ビスポーク：ご覧になったもの、保存されたものも"
        "参考にいたします。ご連絡の方法は別途お選びいただけ、オンラインまたは担当"
        "アドバイザーを通じて、いつでも変更いただけます。"
    ),
    "ko": (
        "메종 베를렌은 고객님께서 공유해 주신 정보를 고객님이 선택하신 범위 안에서만 "
        "사용합니다. 에센셜: 고객님의 요청에 응대하는 데에만 사용합니다. 퍼스널: 담당 "
        "어드바이저가 구매 내역, 사이즈, 취향, 기념일을 바탕으로 룩북을 준비합니다. 초안은 "
        "당사의 추천 모델이 작성하며 항상 어드바이저가 검토합니다. 비스포크: 둘러보시거나 "
        "저장하신 제품도 참고합니다. 연락 방법은 따로 선택하실 수 있으며, 온라인 또는 담당 "
        "어드바이저를 통해 언제든지 변경하실 수 있습니다."
    ),
    "zh-hans": (
        "Maison Verlaine 仅按照您的选择使用您与我们分享的信息。基础：我们只处理您提出的请求，"
        "仅此而已。个性化：您的顾问还可以参考您的购买记录、尺码、喜好和重要场合，为您准备造型"
        "手册；手册由我们的推荐模型起草，并始终由顾问亲自审阅。尊享定制：我们还可以参考您浏览"
        "和收藏的内容。您可以另行选择我们联系您的方式，并可随时在线上或通过您的顾问更改您的"
        "决定。"
    ),
    "zh-hant": (
        "Maison Verlaine 僅依照您的選擇使用您與我們分享的資訊。基本：我們只處理您提出的請求，"
        "僅此而已。個人化：您的顧問也可以參考您的購買紀錄、尺寸、喜好與重要場合，為您準備造型"
        "手冊；手冊由我們的推薦模型起草，並始終由顧問親自審閱。尊榮訂製：我們也可以參考您瀏覽"
        "與收藏的內容。您可以另行選擇我們聯絡您的方式，並可隨時在線上或透過您的顧問變更您的"
        "決定。"
    ),
}
