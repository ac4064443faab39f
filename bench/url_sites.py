"""Generated news sites, served whole, for ``bench/url_crawl.py`` (``newsarchive crawl URL``).

Every site is a complete small website: 2-5 listing pages, an article page for every
teaser, robots.txt, and for some an RSS 2.0 or Atom feed linked from the listing's
``<head>`` and a sitemap named in robots.txt (with the same articles). The markups were
written for this benchmark from how real news sites look, before any run of the bench, and
differ from the sample site's and from those of ``tests/listing_sites.py`` (which the
automatic listing rules were tuned on or scored against):

* ``es_diario``: Spanish regional paper, ``?pagina=N`` with numbers and "Siguiente »",
  ``div.noticia`` teasers with antetítulo, photo link, entradilla and ``dd/mm/aaaa``; a
  "Lo más leído" ranking, agenda and weather widgets; article ``<time datetime>`` with
  ``+01:00`` and a "Te puede interesar" box; RSS feed and sitemap.
* ``fr_echo``: French weekly, ``/actualites/page/N/`` with "Suivant ›", undated
  ``li.post-item`` teasers with a figure and category badge; the article page states its
  date only in ``<meta property="article:published_time">``; Atom feed, no sitemap.
* ``tr_haber``: Turkish portal, ``?sayfa=N`` with numbers and an arrow titled "Sonraki
  sayfa", teasers as ``div.haber-kutu`` with ``dd.mm.yyyy hh:mm``; article with
  "Giriş:" and a later "Güncelleme:" date, "Son dakika" ticker, "Çok okunanlar";
  Google-News sitemap in robots.txt, no feed.
* ``kk_habar``: Kazakh (Cyrillic) Bitrix portal, ``?PAGEN_1=N`` with "Келесі",
  ``detail.php?ID=N`` articles, ``div.news-item`` teasers, dates like ``12 наурыз 2025,
  14:35`` (Asia/Almaty, no offset on the page); no feed, no sitemap.
* ``ar_akhbar``: Arabic right-to-left site, ``?page=N`` with "التالي", teaser dates in
  Arabic-Indic digits and Arabic month names, percent-encoded Arabic slugs, article
  ``<time datetime>`` with ``+03:00``; RSS feed and sitemap.
* ``id_warta``: Indonesian portal, ``/indeks/N`` with a "Muat Lebih Banyak" (load more)
  button plus numbered pages, dates like ``Senin, 10 Mar 2025 14:35 WIB``, "Terpopuler"
  and "Topik Pilihan" boxes, "Baca Juga" links inside the article body; sitemap index in
  robots.txt, no feed.
* ``pl_kurier``: Polish daily, ``?start=N`` offsets with "Następna ›", ``div.art-row``
  teasers with ``dd.mm.yyyy``, ``slug,ID.html`` URLs, article "Opublikowano: 12 marca
  2025, 14:35" and "Autor:" byline, a cookie (RODO) banner; no feed, no sitemap.
* ``ja_shimbun``: Japanese paper, ``/news/list/?pg=N`` with "次のページへ", teaser dates
  without a year (``3月12日 14:35``), article ``2025年3月12日 14時35分``; RSS feed, no
  sitemap.
* ``de_rundschau``: German regional paper, ``?seite=N`` with "Nächste Seite" (aria-label
  only on the arrow), card teasers with kicker and no date; article dates only in JSON-LD
  ``NewsArticle.datePublished`` (Europe/Berlin offsets), ``<title>`` and ``og:title``
  with a " - Rheinische Rundschau" suffix; Atom feed and sitemap.
* ``en_courier``: US local paper, ``/news/p/N`` with ``<link rel="next">`` in the head and
  a "Next page" button, headline-only teasers; CNN-style "Published 11:42 PM EDT, Wed
  March 12, 2025" after an "Updated" line (America/New_York, many late-night stories, so
  the UTC day is another), and a third of the stories (press releases) with no date at
  all; RSS feed (no ``pubDate`` for the undated), no sitemap.

Each site has ground truth: the article URLs its listing walk shows, and for each the
headline (the ``<h1>``) and the publication day in the site's zone, or ``None`` when
nothing on the site states it. Everything is deterministic (seeded ``random.Random``);
the pages are built for one base URL (``http://127.0.0.1:PORT``) by :func:`build`.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from html import escape
from urllib.parse import quote
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Truth:
    """One article of a site: its URL, its headline, its publication day (or None)."""

    url: str
    title: str
    day: date | None


@dataclass
class Site:
    name: str
    description: str
    zone: str
    start_url: str
    files: dict[str, tuple[str, bytes]]  # path with query -> (content type, body)
    truth: list[Truth]
    listing_paths: list[str]  # the listing pages, in walk order
    feed: str | None = None  # "rss" / "atom"
    sitemap: str | None = None  # "sitemap" / "news sitemap" / "sitemap index"

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``: what the pages were built for."""
        return self.start_url[:len(self.start_url) - len(self.listing_paths[0])]


@dataclass
class _Art:
    n: int
    title: str
    when: datetime  # in the site's zone
    dated: bool  # whether the site states the date
    summary: str
    body: list[str]
    author: str
    section: str
    tags: list[str]
    path: str = ""
    updated: datetime | None = None
    extra: dict = field(default_factory=dict)


# ======================================================================================
# Words
# ======================================================================================

@dataclass(frozen=True)
class _Lang:
    code: str
    subjects: tuple[str, ...]
    predicates: tuple[str, ...]
    objects: tuple[str, ...]
    sentences: tuple[str, ...]
    names: tuple[str, ...]
    sections: tuple[str, ...]
    tags: tuple[str, ...]
    pattern: str = "{s} {p} {o}"


ES = _Lang(
    "es",
    ("El Ayuntamiento", "La Diputación", "Los vecinos de Olmedo", "El sindicato agrario", "La Junta",
     "El hospital comarcal", "Los regantes del Duero", "La cooperativa vinícola", "El club de balonmano"),
    ("aprueba", "reclama", "presenta", "aplaza", "denuncia", "celebra", "estudia", "rechaza"),
    ("un nuevo plan de movilidad", "la reforma del mercado de abastos", "ayudas para la sequía",
     "el cierre de la línea de autobús", "la ampliación del polígono", "un festival de otoño",
     "la subida del agua", "el proyecto de la depuradora", "más plazas de aparcamiento"),
    ("El pleno se celebró el martes por la tarde con la asistencia de todos los grupos.",
     "Según fuentes municipales, la medida entrará en vigor antes del verano.",
     "La oposición considera que el presupuesto es insuficiente para la comarca.",
     "Los vecinos llevan años pidiendo una solución a este problema.",
     "El alcalde explicó que la inversión supera los dos millones de euros.",
     "La asociación de comerciantes ha mostrado su apoyo a la iniciativa.",
     "Las obras comenzarán en cuanto se adjudique el contrato.",
     "El consejero visitará la zona la próxima semana para conocer el proyecto.",
     "Desde el sindicato recuerdan que la campaña ha sido muy difícil.",
     "Los técnicos elaborarán un informe antes de tomar una decisión definitiva."),
    ("María López", "Javier Gómez", "Lucía Martín", "Andrés Ruiz", "Carmen Díaz"),
    ("Comarca", "Valladolid", "Provincia", "Economía", "Deportes"),
    ("sequía", "movilidad", "agricultura", "fiestas", "sanidad", "vivienda", "empleo"),
)

FR = _Lang(
    "fr",
    ("La mairie d'Annecy", "Les commerçants du centre", "Le conseil départemental", "La station de ski",
     "Les agriculteurs savoyards", "L'hôpital de Sallanches", "Le club de hockey", "La préfecture"),
    ("lance", "conteste", "présente", "repousse", "annonce", "inaugure", "suspend", "défend"),
    ("un nouveau plan vélo", "la hausse des loyers", "la fermeture d'une classe", "un festival d'été",
     "les travaux du tunnel", "la saison d'hiver", "un projet de téléphérique", "la gratuité des bus"),
    ("La décision a été prise lors du dernier conseil municipal.",
     "Les habitants attendaient ce projet depuis plusieurs années.",
     "Selon la préfecture, aucune date n'a encore été fixée.",
     "L'opposition dénonce un manque de concertation avec les riverains.",
     "Le budget prévu dépasse les trois millions d'euros.",
     "Les premiers travaux pourraient commencer dès l'automne.",
     "Une réunion publique est prévue le mois prochain à la salle des fêtes.",
     "Les associations locales ont salué une bonne nouvelle pour la vallée.",
     "Le maire a rappelé que la sécurité restait la priorité.",
     "Plusieurs élus ont demandé une étude complémentaire."),
    ("Claire Dubois", "Julien Morel", "Sophie Girard", "Nicolas Fabre", "Émilie Roux"),
    ("Annecy", "Savoie", "Montagne", "Économie", "Sports"),
    ("ski", "transports", "logement", "environnement", "tourisme", "éducation"),
)

TR = _Lang(
    "tr",
    ("İzmir Büyükşehir Belediyesi", "Ege Üniversitesi", "Karşıyaka Belediyesi", "Valilik", "Liman işçileri",
     "Göztepe", "Çiftçiler", "Meteoroloji", "Esnaf odası"),
    ("yeni projesini açıkladı:", "için uyardı:", "tepki gösterdi:", "harekete geçti:", "kararını verdi:",
     "destek istedi:", "törenle başlattı:", "sonuçlarını duyurdu:"),
    ("metro hattı", "kuraklık önlemleri", "fiyat artışları", "yeni sezon hazırlıkları", "kıyı düzenlemesi",
     "toplu taşıma zammı", "deprem tatbikatı", "hasat dönemi", "festival programı"),
    ("Açıklama, dün öğleden sonra düzenlenen basın toplantısında yapıldı.",
     "Yetkililer, çalışmaların yaz aylarına kadar tamamlanacağını belirtti.",
     "Vatandaşlar uzun süredir bu konuda çözüm bekliyordu.",
     "Muhalefet partileri karara itiraz edeceklerini duyurdu.",
     "Projenin maliyetinin 200 milyon lirayı aşması bekleniyor.",
     "Uzmanlar, önümüzdeki günlerde sıcaklıkların artacağını söylüyor.",
     "Esnaf, kararın ekonomiye olumlu yansıyacağını düşünüyor.",
     "Toplantıya ilçe belediye başkanları da katıldı.",
     "Konuyla ilgili yeni bir açıklamanın hafta sonu yapılması bekleniyor.",
     "Bölgedeki çalışmalar nedeniyle bazı yollar trafiğe kapatıldı."),
    ("Ayşe Yılmaz", "Mehmet Kaya", "Elif Demir", "Murat Şahin", "Zeynep Çelik"),
    ("Gündem", "Ekonomi", "Spor", "Yaşam", "İzmir"),
    ("deprem", "ulaşım", "tarım", "eğitim", "sağlık", "turizm", "hava durumu"),
    pattern="{s} {o} {p2}",
)

KK = _Lang(
    "kk",
    ("Алматы әкімдігі", "Ауыл шаруашылығы министрлігі", "Қарағанды облысы", "Ұлттық банк", "Шымкент тұрғындары",
     "Денсаулық сақтау министрлігі", "Астана жастары", "Фермерлер"),
    ("жаңа бағдарлама қабылдады", "мәселені талқылады", "наразылық білдірді", "жобаны таныстырды",
     "шешім шығарды", "көмек сұрады", "жұмысын бастады", "есеп берді"),
    ("көктемгі егіс бойынша", "жол құрылысы туралы", "су тапшылығына байланысты", "баспана кезегі жөнінде",
     "мектеп жөндеуі бойынша", "қоғамдық көлік туралы", "тарифтер жөнінде", "жылу маусымы туралы"),
    ("Жиын сейсенбі күні облыс әкімдігінде өтті.",
     "Ресми мәліметке сәйкес, жұмыстар жаз басында аяқталады.",
     "Тұрғындар бұл мәселені бірнеше жылдан бері көтеріп келеді.",
     "Жобаға республикалық бюджеттен қаржы бөлінеді.",
     "Мамандардың айтуынша, шешім өңір экономикасына оң әсер етеді.",
     "Кездесуге аудан әкімдері мен депутаттар қатысты.",
     "Алдағы уақытта жоба басқа өңірлерде де іске асырылмақ.",
     "Қазіргі таңда құжаттар дайындалып жатыр.",
     "Бұл туралы ведомстваның баспасөз қызметі хабарлады.",
     "Тұрғындар жаңалықты жылы қабылдады."),
    ("Айгүл Сейітова", "Ерлан Қасымов", "Динара Әбенова", "Нұрлан Жұмабаев"),
    ("Қоғам", "Экономика", "Аймақ", "Саясат", "Спорт"),
    ("ауыл", "білім", "денсаулық", "көлік", "су", "тариф"),
    pattern="{s} {o} {p}",
)

AR = _Lang(
    "ar",
    ("وزارة الصحة", "أمانة الرياض", "الغرفة التجارية", "هيئة الطرق", "جامعة الملك سعود", "وزارة التعليم",
     "المزارعون في القصيم", "نادي الهلال"),
    ("تطلق", "تعلن عن", "تناقش", "تفتتح", "تؤجل", "تدعم", "تراجع", "تكشف"),
    ("خطة جديدة للنقل العام", "مشروع توسعة الطريق الدائري", "برنامج لدعم الأسر", "موسم الحصاد",
     "نتائج الاختبارات", "مبادرة للتشجير", "مهرجان الربيع", "أسعار المواد الغذائية", "مشروع الإسكان"),
    ("وأوضح المتحدث الرسمي أن العمل سيبدأ خلال الأسابيع المقبلة.",
     "ويأتي هذا القرار ضمن خطة شاملة لتطوير الخدمات في المنطقة.",
     "وأشار المسؤولون إلى أن التكلفة الإجمالية تتجاوز مئة مليون ريال.",
     "ورحب السكان بالخطوة التي طال انتظارها.",
     "ومن المتوقع أن يستفيد من المشروع آلاف المواطنين.",
     "وعقد الاجتماع بحضور عدد من المسؤولين والخبراء.",
     "وأكدت الجهات المختصة استمرار المتابعة حتى اكتمال التنفيذ.",
     "ويعد هذا المشروع الأول من نوعه في المملكة.",
     "وتشير التقديرات إلى ارتفاع الطلب خلال الصيف.",
     "ودعت الوزارة المواطنين إلى الالتزام بالتعليمات."),
    ("أحمد العتيبي", "سارة القحطاني", "محمد الشهري", "نورة الدوسري"),
    ("محليات", "اقتصاد", "رياضة", "ثقافة", "دولي"),
    ("الصحة", "التعليم", "النقل", "الإسكان", "الزراعة", "الرياضة"),
)

ID = _Lang(
    "id",
    ("Pemprov Jawa Barat", "Wali Kota Bandung", "Warga Cimahi", "Dinas Perhubungan", "Petani Garut",
     "Persib Bandung", "DPRD Jabar", "BMKG", "Polda Jabar"),
    ("umumkan", "tolak", "siapkan", "resmikan", "tunda", "dukung", "evaluasi", "keluhkan"),
    ("program bantuan pangan", "proyek jalan tol", "kenaikan tarif angkot", "jadwal mudik Lebaran",
     "banjir di Dayeuhkolot", "harga beras", "pembangunan pasar baru", "festival budaya Sunda",
     "perbaikan jembatan"),
    ("Hal itu disampaikan dalam konferensi pers di Gedung Sate, Senin siang.",
     "Menurut dia, program tersebut akan dimulai bulan depan.",
     "Warga berharap pemerintah segera mengambil langkah nyata.",
     "Anggaran yang disiapkan mencapai Rp 50 miliar.",
     "Sejumlah pihak menilai kebijakan itu belum tepat sasaran.",
     "Petugas gabungan diterjunkan untuk mengatur lalu lintas.",
     "Kegiatan itu dihadiri ratusan warga dari berbagai kecamatan.",
     "Pihaknya akan terus berkoordinasi dengan pemerintah pusat.",
     "Hujan deras yang mengguyur sejak sore membuat beberapa ruas jalan tergenang.",
     "Rencananya, evaluasi akan dilakukan setiap tiga bulan."),
    ("Rizky Pratama", "Siti Nurhaliza", "Dedi Kurniawan", "Putri Anggraini"),
    ("Jabar", "Bandung", "Ekonomi", "Olahraga", "Nasional"),
    ("banjir", "mudik", "pangan", "transportasi", "pendidikan", "Persib", "cuaca"),
)

PL = _Lang(
    "pl",
    ("Rada Miasta", "Mieszkańcy Podgórza", "Wojewoda małopolski", "Szpital uniwersytecki", "Rolnicy spod Tarnowa",
     "Cracovia", "MPK", "Urząd Marszałkowski", "Nauczyciele"),
    ("przyjęła", "krytykują", "zapowiada", "odkłada", "otwiera", "popiera", "zaskarżył", "ogłasza"),
    ("nowy plan transportu", "podwyżki cen biletów", "remont mostu", "budowę obwodnicy", "program dla seniorów",
     "strefę czystego transportu", "budżet obywatelski", "sezon letni", "reformę szkół"),
    ("Decyzja zapadła podczas wtorkowej sesji rady.",
     "Jak poinformował urząd, prace mają potrwać do końca roku.",
     "Mieszkańcy od dawna domagali się zmian w tej sprawie.",
     "Koszt inwestycji szacowany jest na ponad 40 milionów złotych.",
     "Radni opozycji zapowiadają złożenie poprawek.",
     "Pierwsze efekty mają być widoczne już jesienią.",
     "W spotkaniu uczestniczyli przedstawiciele kilku gmin.",
     "Eksperci podkreślają, że to dopiero pierwszy krok.",
     "Szczegóły projektu mają zostać przedstawione w przyszłym tygodniu.",
     "Sprawą zajmie się również wojewódzki sąd administracyjny."),
    ("Jan Kowalski", "Anna Nowak", "Piotr Wiśniewski", "Katarzyna Wójcik"),
    ("Kraków", "Małopolska", "Gospodarka", "Sport", "Kultura"),
    ("komunikacja", "inwestycje", "edukacja", "zdrowie", "ekologia", "sport"),
)

JA = _Lang(
    "ja",
    ("横浜市", "神奈川県警", "県教育委員会", "川崎フロンターレ", "JR東日本", "地元の漁協", "市議会", "気象台"),
    ("を発表", "を延期", "に反対", "を開始", "を検討", "を承認", "を要望", "を公開"),
    ("新しい子育て支援策", "みなとみらいの再開発", "バス路線の見直し", "花火大会の開催", "防災訓練",
     "給食費の無償化", "観光客向けの新サービス", "港の整備計画", "春の交通安全運動"),
    ("市は記者会見で詳細を説明した。", "関係者によると、実施は来年度からになる見通しだ。",
     "住民からは歓迎の声が上がっている。", "総事業費は約30億円に上るという。",
     "一部の議員からは慎重な意見も出た。", "担当者は「丁寧に説明していきたい」と話した。",
     "週末には説明会が開かれる予定だ。", "同様の取り組みは県内で初めてとなる。",
     "今後、専門家による検討会を設置する。", "市民の関心は高く、問い合わせが相次いでいる。"),
    ("佐藤健", "鈴木花子", "高橋誠", "田中美咲"),
    ("社会", "経済", "スポーツ", "地域", "政治"),
    ("防災", "子育て", "交通", "観光", "教育", "港"),
    pattern="{s}、{o}{p}",
)

DE = _Lang(
    "de",
    ("Der Stadtrat", "Die Kölner Verkehrsbetriebe", "Die Landesregierung", "Anwohner in Ehrenfeld",
     "Der 1. FC Köln", "Die Uniklinik", "Die Handwerkskammer", "Der Landschaftsverband"),
    ("beschließt", "kritisiert", "plant", "verschiebt", "eröffnet", "fordert", "stoppt", "prüft"),
    ("neue Radwege am Ring", "die Sanierung der Oper", "höhere Kita-Gebühren", "einen Umbau des Bahnhofs",
     "das Sommerfest am Rhein", "mehr Personal für Schulen", "die Verlängerung der Stadtbahn",
     "ein Verbot von Laubbläsern", "den Bau neuer Wohnungen"),
    ("Die Entscheidung fiel am Dienstagabend nach einer langen Debatte.",
     "Nach Angaben der Stadt sollen die Arbeiten im Herbst beginnen.",
     "Die Opposition spricht von einem teuren Prestigeprojekt.",
     "Anwohner hatten sich seit Jahren über die Situation beschwert.",
     "Die Kosten werden auf rund zwölf Millionen Euro geschätzt.",
     "Ein Sprecher kündigte eine Bürgerversammlung für den kommenden Monat an.",
     "Auch die Nachbargemeinden wollen sich dem Vorhaben anschließen.",
     "Experten halten den Zeitplan für ehrgeizig.",
     "Der Verband begrüßte den Schritt ausdrücklich.",
     "Eine endgültige Entscheidung wird für den Sommer erwartet."),
    ("Anna Schmidt", "Thomas Becker", "Julia Hoffmann", "Markus Weber"),
    ("Köln", "Region", "Politik", "Wirtschaft", "Sport"),
    ("Verkehr", "Wohnen", "Schule", "Kultur", "FC", "Rhein"),
)

EN = _Lang(
    "en",
    ("City Council", "Harbor County schools", "State regulators", "Local farmers", "The transit authority",
     "Mercy Hospital", "The Riverhawks", "Downtown merchants", "Fire officials"),
    ("approves", "rejects", "delays", "unveils", "questions", "expands", "cuts", "defends"),
    ("new bike lanes on Main Street", "a 4% property tax increase", "the riverfront park plan",
     "summer bus service", "a ban on leaf blowers", "plans for a new stadium", "the water rate hike",
     "overnight parking rules", "the library renovation"),
    ("The vote came after nearly three hours of public comment on Tuesday night.",
     "Officials said the changes could take effect as soon as July.",
     "Residents have complained about the problem for years.",
     "The project is expected to cost about $12 million.",
     "Two members voted against the measure, citing the cost.",
     "A public hearing is scheduled for next month at City Hall.",
     "Supporters say the plan will bring new jobs to the area.",
     "The county has not yet said how it will pay for the work.",
     "Critics argue the timeline is unrealistic.",
     "A spokesperson declined to comment further on Wednesday."),
    ("Sarah Miller", "James O'Connor", "Priya Patel", "Daniel Brooks"),
    ("Local", "Schools", "Business", "Sports", "Politics"),
    ("transit", "schools", "taxes", "parks", "housing", "weather"),
)


def _headlines(lang: _Lang, rng: random.Random, count: int) -> list[str]:
    combos = [(s, p, o) for s in lang.subjects for p in lang.predicates for o in lang.objects]
    rng.shuffle(combos)
    out = []
    for s, p, o in combos[:count]:
        out.append(lang.pattern.format(s=s, p=p, o=o, p2=p.rstrip(":")))
    return out


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("ł", "l")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:70] or "haber"


def _articles(lang: _Lang, seed: int, count: int, zone: str, *, start: datetime,
              dated: Callable[[random.Random, int], bool] = lambda rng, i: True,
              min_gap_h: float = 2, max_gap_h: float = 16) -> list[_Art]:
    rng = random.Random(seed)
    tz = ZoneInfo(zone)
    when = start.replace(tzinfo=tz)
    arts = []
    for i, title in enumerate(_headlines(lang, rng, count)):
        when = when - timedelta(minutes=rng.randint(int(min_gap_h * 60), int(max_gap_h * 60)))
        body = []
        for _ in range(rng.randint(3, 7)):
            body.append(" ".join(rng.sample(lang.sentences, rng.randint(2, 4))))
        summary = rng.choice(lang.sentences)
        updated = when + timedelta(minutes=rng.randint(20, 60 * 30)) if rng.random() < 0.6 else None
        arts.append(_Art(
            n=seed * 1000 + i, title=title, when=when.astimezone(tz), dated=dated(rng, i), summary=summary,
            body=body, author=rng.choice(lang.names), section=rng.choice(lang.sections),
            tags=rng.sample(lang.tags, 2), updated=updated,
        ))
    return arts


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _p(paragraphs: list[str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return "\n".join(f"<p{attr}>{escape(t)}</p>" for t in paragraphs)


def _e(text: str) -> str:
    return escape(text, quote=True)


# ======================================================================================
# Feeds, sitemaps, robots.txt
# ======================================================================================

def _rss(base: str, title: str, link: str, lang: str, arts: list[_Art]) -> bytes:
    items = []
    for a in arts:
        date_line = f"<pubDate>{format_datetime(a.when)}</pubDate>" if a.dated else ""
        items.append(
            f"<item><title>{_e(a.title)}</title><link>{_e(base + a.path)}</link>"
            f"<guid isPermaLink=\"true\">{_e(base + a.path)}</guid>{date_line}"
            f"<description>{_e(a.summary)}</description><category>{_e(a.section)}</category></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{_e(title)}</title><link>{_e(link)}</link><language>{lang}</language>"
        f"<description>{_e(title)}</description>" + "\n".join(items) + "</channel></rss>\n"
    ).encode()


def _atom(base: str, title: str, self_url: str, arts: list[_Art]) -> bytes:
    entries = []
    for a in arts:
        entries.append(
            f"<entry><title>{_e(a.title)}</title><link rel=\"alternate\" href=\"{_e(base + a.path)}\"/>"
            f"<id>{_e(base + a.path)}</id><published>{a.when.isoformat()}</published>"
            f"<updated>{(a.updated or a.when).isoformat()}</updated>"
            f"<author><name>{_e(a.author)}</name></author><summary>{_e(a.summary)}</summary></entry>"
        )
    newest = max(a.when for a in arts).isoformat()
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{_e(title)}</title><id>{_e(self_url)}</id><link rel=\"self\" href=\"{_e(self_url)}\"/>"
        f"<updated>{newest}</updated>" + "\n".join(entries) + "</feed>\n"
    ).encode()


def _sitemap(base: str, arts: list[_Art], *, news: str | None = None, lang: str = "") -> bytes:
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    urls = []
    for a in arts:
        extra = ""
        if news:
            extra = (f"<news:news><news:publication><news:name>{_e(news)}</news:name>"
                     f"<news:language>{lang}</news:language></news:publication>"
                     f"<news:publication_date>{a.when.isoformat()}</news:publication_date>"
                     f"<news:title>{_e(a.title)}</news:title></news:news>")
        urls.append(f"<url><loc>{_e(base + a.path)}</loc><lastmod>{(a.updated or a.when).isoformat()}</lastmod>{extra}</url>")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>'
        + "\n".join(urls) + "</urlset>\n"
    ).encode()


def _robots(base: str, sitemaps: list[str], disallow: tuple[str, ...] = ("/admin/", "/buscar")) -> bytes:
    lines = ["User-agent: *", *(f"Disallow: {d}" for d in disallow)]
    lines += [f"Sitemap: {base}{s}" for s in sitemaps]
    return ("\n".join(lines) + "\n").encode()


HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


def _finish(name: str, description: str, zone: str, base: str, start_path: str, files: dict[str, tuple[str, bytes]],
            arts: list[_Art], listing_paths: list[str], *, feed: str | None = None, sitemap: str | None = None,
            robots: bytes | None = None) -> Site:
    files.setdefault("/robots.txt", (TEXT, robots if robots is not None else _robots(base, [])))
    truth = [Truth(base + a.path, a.title, a.when.date() if a.dated else None) for a in arts]
    return Site(name, description, zone, base + start_path, files, truth, listing_paths, feed, sitemap)


def _html(files: dict[str, tuple[str, bytes]], path: str, text: str) -> None:
    files[path] = (HTML, text.encode("utf-8"))


# ======================================================================================
# es_diario: Spanish regional paper, ?pagina=N
# ======================================================================================

_ES_MONTHS = ("enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre").split()


def es_diario(base: str) -> Site:
    arts = _articles(ES, 11, 36, "Europe/Madrid", start=datetime(2025, 3, 14, 21, 10))
    for a in arts:
        a.path = f"/{_slug(a.section)}/{a.when:%Y/%m/%d}/{_slug(a.title)}-{a.n}.html"
    rng = random.Random(111)
    pages = _chunks(arts, 12)
    files: dict[str, tuple[str, bytes]] = {}
    site_name = "Diario del Valle"
    nav = ('<header class="cabecera"><div class="cabecera__top"><a href="/" class="logo">Diario del Valle</a>'
           '<span class="cabecera__fecha">Edición Valladolid</span><a href="/suscripcion/" class="btn">Suscríbete</a>'
           '<a href="/usuarios/acceso/">Iniciar sesión</a></div><nav class="menu-principal"><ul>'
           + "".join(f'<li><a href="/{_slug(s)}/">{s}</a></li>' for s in ES.sections)
           + '<li><a href="/opinion/">Opinión</a></li><li><a href="/esquelas/">Esquelas</a></li>'
             '<li><a href="/hemeroteca/">Hemeroteca</a></li></ul></nav></header>')
    cookies = ('<div id="cmp-banner" class="cookies"><p>Utilizamos cookies propias y de terceros para mejorar '
               'nuestros servicios y mostrarle publicidad relacionada con sus preferencias. Si continúa navegando, '
               'consideramos que acepta su uso.</p><a href="/politica-de-cookies/">Más información</a>'
               '<button>Aceptar</button></div>')
    footer = ('<footer class="pie"><div class="pie__enlaces"><a href="/aviso-legal/">Aviso legal</a> · '
              '<a href="/politica-de-privacidad/">Privacidad</a> · <a href="/contacto/">Contacto</a> · '
              '<a href="/publicidad/">Publicidad</a></div><p>© 2025 Diario del Valle S.L. Todos los derechos '
              'reservados. Prohibida la reproducción total o parcial.</p></footer>')
    head_links = ('<link rel="alternate" type="application/rss+xml" title="Diario del Valle - Últimas noticias" '
                  'href="/rss/ultimas.xml">')

    def mas_leido() -> str:
        top = sorted(arts, key=lambda a: (a.n * 7919) % 101)[:5]
        return ('<aside class="lateral"><div class="widget widget-ranking"><h3>Lo más leído</h3><ol>'
                + "".join(f'<li><span class="num">{i}</span><a href="{a.path}">{_e(a.title)}</a></li>'
                          for i, a in enumerate(top, 1))
                + '</ol></div><div class="widget widget-tiempo"><h3>El tiempo</h3><p>Valladolid: 14º / 3º, '
                  'cielos despejados.</p><a href="/el-tiempo/">Ver previsión</a></div>'
                  '<div class="widget widget-agenda"><h3>Agenda</h3><ul>'
                  '<li><a href="/agenda/concierto-banda-municipal/">Concierto de la Banda Municipal</a></li>'
                  '<li><a href="/agenda/feria-del-libro/">Feria del Libro</a></li>'
                  '<li><a href="/agenda/mercado-medieval/">Mercado medieval</a></li></ul></div></aside>')

    def page_url(k: int) -> str:
        return "/ultimas-noticias/" if k == 1 else f"/ultimas-noticias/?pagina={k}"

    for k, chunk in enumerate(pages, 1):
        teasers = []
        for a in chunk:
            teasers.append(
                f'<div class="noticia noticia--lista"><a class="noticia__foto" href="{a.path}">'
                f'<img src="/fotos/{a.n}.jpg" alt="{_e(a.title)}" width="300"></a>'
                f'<div class="noticia__texto"><span class="antetitulo">{_e(a.section)}</span>'
                f'<h2 class="noticia__titular"><a href="{a.path}">{_e(a.title)}</a></h2>'
                f'<p class="noticia__entradilla">{_e(a.summary)}</p>'
                f'<span class="noticia__fecha">{a.when:%d/%m/%Y}</span> · '
                f'<a class="noticia__comentarios" href="{a.path}#comentarios">{rng.randint(0, 40)} comentarios</a>'
                f'</div></div>')
        nums = " ".join(f'<a href="{page_url(i)}">{i}</a>' if i != k else f'<span class="actual">{i}</span>'
                        for i in range(1, len(pages) + 1))
        prev = f'<a class="anterior" href="{page_url(k - 1)}">« Anterior</a> ' if k > 1 else ""
        nxt = f' <a class="siguiente" href="{page_url(k + 1)}">Siguiente »</a>' if k < len(pages) else ""
        html = f"""<!DOCTYPE html><html lang="es"><head><meta charset="utf-8">
<title>Últimas noticias | Diario del Valle</title>{head_links}</head><body>{cookies}{nav}
<div class="contenedor"><main class="columna-principal"><h1 class="titulo-seccion">Últimas noticias</h1>
{''.join(teasers)}
<div class="paginacion">{prev}{nums}{nxt}</div></main>{mas_leido()}</div>{footer}</body></html>"""
        _html(files, page_url(k), html)

    for i, a in enumerate(arts):
        related = [arts[(i + d) % len(arts)] for d in (3, 7, 11)]
        html = f"""<!DOCTYPE html><html lang="es"><head><meta charset="utf-8">
<title>{_e(a.title)} | {site_name}</title><meta property="og:title" content="{_e(a.title)}">
<meta property="og:site_name" content="{site_name}">{head_links}</head><body>{cookies}{nav}
<div class="contenedor"><main class="columna-principal"><article class="noticia-completa">
<p class="antetitulo"><a href="/{_slug(a.section)}/">{_e(a.section)}</a></p>
<h1 class="titular">{_e(a.title)}</h1><h2 class="subtitulo">{_e(a.summary)}</h2>
<div class="firma"><span class="autor">Por <a href="/autor/{_slug(a.author)}/">{_e(a.author)}</a></span>
<time datetime="{a.when.isoformat()}">{a.when.day} de {_ES_MONTHS[a.when.month - 1]} de {a.when.year}, {a.when:%H:%M}</time></div>
<figure><img src="/fotos/{a.n}.jpg" alt=""><figcaption>Imagen de archivo. / D.V.</figcaption></figure>
<div class="cuerpo">{_p(a.body[:2])}
<div class="te-puede-interesar"><strong>Te puede interesar</strong><ul>{''.join(f'<li><a href="{r.path}">{_e(r.title)}</a></li>' for r in related[:2])}</ul></div>
{_p(a.body[2:])}</div>
<div class="etiquetas">{''.join(f'<a href="/tag/{_slug(t)}/" rel="tag">{_e(t)}</a>' for t in a.tags)}</div>
<div class="compartir"><a href="https://www.facebook.com/sharer.php?u={base}{a.path}">Facebook</a>
<a href="https://twitter.com/intent/tweet?url={base}{a.path}">X</a><a href="https://wa.me/?text={base}{a.path}">WhatsApp</a></div>
</article><section id="comentarios"><h3>Comentarios</h3><p>Para comentar debe estar registrado.</p></section>
</main>{mas_leido()}</div>{footer}</body></html>"""
        _html(files, a.path, html)
    files["/rss/ultimas.xml"] = (RSS, _rss(base, "Diario del Valle", base + "/", "es", arts))
    files["/sitemap.xml"] = (XML, _sitemap(base, arts))
    return _finish("es_diario", "Spanish regional paper, ?pagina=N, RSS + sitemap", "Europe/Madrid", base,
                   page_url(1), files, arts, [page_url(k) for k in range(1, len(pages) + 1)], feed="rss", sitemap="sitemap",
                   robots=_robots(base, ["/sitemap.xml"]))


# ======================================================================================
# fr_echo: French weekly, /actualites/page/N/, date only in article:published_time
# ======================================================================================

def fr_echo(base: str) -> Site:
    arts = _articles(FR, 12, 30, "Europe/Paris", start=datetime(2025, 2, 28, 18, 0), min_gap_h=6, max_gap_h=30)
    for a in arts:
        a.path = f"/actualites/{a.when:%Y/%m/%d}/{_slug(a.title)}/"
    pages = _chunks(arts, 10)
    files: dict[str, tuple[str, bytes]] = {}
    head = '<link rel="alternate" type="application/atom+xml" title="L\'Écho des Alpes" href="/feed.atom">'
    nav = ('<div class="topbar"><a href="/abonnement/">S\'abonner</a> <a href="/mon-compte/">Mon compte</a>'
           ' <a href="/journal-numerique/">Le journal numérique</a></div>'
           '<header class="site-header"><a class="brand" href="/">L\'Écho des Alpes</a><nav id="menu"><ul>'
           + "".join(f'<li class="menu-item"><a href="/rubrique/{_slug(s)}/">{s}</a></li>' for s in FR.sections)
           + '<li class="menu-item"><a href="/agenda/">Agenda</a></li><li class="menu-item"><a href="/petites-annonces/">'
             'Petites annonces</a></li></ul></nav></header>')
    sidebar = ('<aside id="secondary"><section class="widget"><h4>Newsletter</h4><p>Recevez chaque vendredi '
               'l\'essentiel de l\'actualité de la vallée dans votre boîte mail.</p><form action="/newsletter/">'
               '<input type="email" name="email"><button>Je m\'inscris</button></form></section>'
               '<section class="widget"><h4>Thèmes</h4><div class="tagcloud">'
               + "".join(f'<a href="/theme/{_slug(t)}/" style="font-size:{10 + i}pt">{t}</a> '
                         for i, t in enumerate(FR.tags))
               + '</div></section><section class="widget"><h4>Annonces légales</h4><ul>'
                 '<li><a href="/annonces-legales/constitution-sarl/">Constitution de société</a></li>'
                 '<li><a href="/annonces-legales/enquete-publique/">Avis d\'enquête publique</a></li></ul>'
                 '</section></aside>')
    footer = ('<footer id="colophon"><nav><a href="/mentions-legales/">Mentions légales</a> '
              '<a href="/cgv/">CGV</a> <a href="/nous-contacter/">Nous contacter</a> '
              '<a href="/plan-du-site/">Plan du site</a></nav><p>L\'Écho des Alpes, hebdomadaire '
              'd\'informations locales depuis 1921. Tous droits réservés.</p></footer>')

    def page_url(k: int) -> str:
        return "/actualites/" if k == 1 else f"/actualites/page/{k}/"

    for k, chunk in enumerate(pages, 1):
        items = []
        for a in chunk:
            items.append(
                f'<li class="post-item"><figure class="post-thumb"><a href="{a.path}">'
                f'<img src="/uploads/{a.n}-300x200.jpg" alt=""></a></figure><div class="post-body">'
                f'<a class="badge" href="/rubrique/{_slug(a.section)}/">{_e(a.section)}</a>'
                f'<a class="post-title" href="{a.path}">{_e(a.title)}</a>'
                f'<div class="post-excerpt">{_e(a.summary)} […]</div></div></li>')
        links = []
        if k > 1:
            links.append(f'<a class="prev page-numbers" href="{page_url(k - 1)}">‹ Précédent</a>')
        for i in range(1, len(pages) + 1):
            links.append(f'<span class="page-numbers current">{i}</span>' if i == k
                         else f'<a class="page-numbers" href="{page_url(i)}">{i}</a>')
        if k < len(pages):
            links.append(f'<a class="next page-numbers" href="{page_url(k + 1)}">Suivant ›</a>')
        html = f"""<!DOCTYPE html><html lang="fr-FR"><head><meta charset="UTF-8"><title>Actualités – L'Écho des Alpes</title>
{head}</head><body class="archive">{nav}<div id="content"><div id="primary"><h1 class="archive-title">Actualités</h1>
<ul class="posts-list">{''.join(items)}</ul><div class="navigation pagination">{' '.join(links)}</div></div>
{sidebar}</div>{footer}</body></html>"""
        _html(files, page_url(k), html)

    for i, a in enumerate(arts):
        also = [arts[(i + d) % len(arts)] for d in (1, 4, 9)]
        html = f"""<!DOCTYPE html><html lang="fr-FR"><head><meta charset="UTF-8">
<title>{_e(a.title)} – L'Écho des Alpes</title>
<meta property="og:type" content="article"><meta property="og:title" content="{_e(a.title)}">
<meta property="article:published_time" content="{a.when.isoformat()}">
<meta property="article:section" content="{_e(a.section)}">{head}</head><body class="single">{nav}
<div id="content"><div id="primary"><div class="single-post"><a class="badge" href="/rubrique/{_slug(a.section)}/">{_e(a.section)}</a>
<h1 class="single-title">{_e(a.title)}</h1><div class="chapo">{_e(a.summary)}</div>
<div class="meta">Par <a href="/auteur/{_slug(a.author)}/">{_e(a.author)}</a> · Lecture 3 min</div>
<div class="texte">{_p(a.body)}</div>
<div class="lire-aussi"><h3>À lire aussi</h3><ul>{''.join(f'<li><a href="{r.path}">{_e(r.title)}</a></li>' for r in also)}</ul></div>
</div></div>{sidebar}</div>{footer}</body></html>"""
        _html(files, a.path, html)
    files["/feed.atom"] = (ATOM, _atom(base, "L'Écho des Alpes", base + "/feed.atom", arts))
    return _finish("fr_echo", "French weekly, /page/N/, date only in article:published_time, Atom", "Europe/Paris",
                   base, page_url(1), files, arts, [page_url(k) for k in range(1, len(pages) + 1)], feed="atom")


# ======================================================================================
# tr_haber: Turkish portal, ?sayfa=N, Giriş / Güncelleme
# ======================================================================================

def tr_haber(base: str) -> Site:
    arts = _articles(TR, 13, 45, "Europe/Istanbul", start=datetime(2025, 3, 13, 23, 40), min_gap_h=1, max_gap_h=7)
    for a in arts:
        a.path = f"/{_slug(a.section)}/{_slug(a.title)}-{a.n}"
    rng = random.Random(131)
    pages = _chunks(arts, 15)
    files: dict[str, tuple[str, bytes]] = {}
    ticker = ('<div class="son-dakika-bandi"><strong>SON DAKİKA</strong><marquee>'
              + " | ".join(f'<a href="{a.path}">{_e(a.title)}</a>' for a in arts[:4]) + '</marquee></div>')
    nav = ('<header><div class="ust-bar"><a href="/">EGE HABER</a><span>İzmir 18°C</span>'
           '<a href="/canli-yayin">Canlı Yayın</a><a href="/e-gazete">E-Gazete</a></div><nav class="ana-menu">'
           + "".join(f'<a href="/{_slug(s)}">{s}</a>' for s in TR.sections)
           + '<a href="/yazarlar">Yazarlar</a><a href="/foto-galeri">Foto Galeri</a><a href="/video">Video</a>'
             '<a href="/namaz-vakitleri">Namaz Vakitleri</a></nav></header>')

    def cok_okunan() -> str:
        top = sorted(arts, key=lambda a: (a.n * 31) % 47)[:6]
        return ('<div class="sag-kolon"><div class="blok"><div class="blok-baslik">Çok Okunanlar</div>'
                + "".join(f'<div class="mini-haber"><a href="{a.path}"><img src="/img/{a.n}-k.jpg">'
                          f'<span>{_e(a.title)}</span></a></div>' for a in top)
                + '</div><div class="blok"><div class="blok-baslik">Piyasalar</div><p>Dolar 36,52 · Euro 39,71 · '
                  'Altın 3.412 · BIST 100 9.874</p></div><div class="blok"><div class="blok-baslik">Etiketler</div>'
                + "".join(f'<a class="etiket" href="/etiket/{_slug(t)}">{t}</a>' for t in TR.tags) + '</div></div>')

    footer = ('<footer><div class="alt-menu"><a href="/kunye">Künye</a><a href="/iletisim">İletişim</a>'
              '<a href="/gizlilik-politikasi">Gizlilik Politikası</a><a href="/kvkk">KVKK Aydınlatma Metni</a>'
              '<a href="/rss-listesi">RSS</a></div><p>Sitemizde yayınlanan haberlerin tüm hakları saklıdır. '
              'Kaynak gösterilmeden alıntı yapılamaz.</p></footer>')

    def page_url(k: int) -> str:
        return "/son-dakika" if k == 1 else f"/son-dakika?sayfa={k}"

    for k, chunk in enumerate(pages, 1):
        boxes = []
        for a in chunk:
            boxes.append(
                f'<div class="haber-kutu"><a href="{a.path}" title="{_e(a.title)}"><div class="resim">'
                f'<img src="/img/{a.n}.jpg" alt="{_e(a.title)}"></div><div class="baslik">{_e(a.title)}</div></a>'
                f'<div class="alt"><span class="kategori">{_e(a.section)}</span>'
                f'<span class="tarih">{a.when:%d.%m.%Y %H:%M}</span>'
                f'<span class="okunma">{rng.randint(100, 9000)} okunma</span></div></div>')
        nums = "".join(f'<li class="{"aktif" if i == k else ""}"><a href="{page_url(i)}">{i}</a></li>'
                       for i in range(1, len(pages) + 1))
        nxt = (f'<li><a href="{page_url(k + 1)}" title="Sonraki sayfa"><i class="icon-angle-right"></i></a></li>'
               if k < len(pages) else "")
        prv = (f'<li><a href="{page_url(k - 1)}" title="Önceki sayfa"><i class="icon-angle-left"></i></a></li>'
               if k > 1 else "")
        html = f"""<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8"><title>Son Dakika Haberleri - Ege Haber</title>
</head><body>{ticker}{nav}<div class="sayfa"><div class="sol-kolon"><h1>Son Dakika Haberleri</h1>
<div class="haber-listesi">{''.join(boxes)}</div><ul class="sayfalama">{prv}{nums}{nxt}</ul></div>{cok_okunan()}</div>
{footer}</body></html>"""
        _html(files, page_url(k), html)

    for i, a in enumerate(arts):
        upd = a.updated or (a.when + timedelta(hours=3))
        html = f"""<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8"><title>{_e(a.title)} - Ege Haber</title>
<meta name="description" content="{_e(a.summary)}"></head><body>{ticker}{nav}<div class="sayfa"><div class="sol-kolon">
<div class="breadcrumb"><a href="/">Ana Sayfa</a> › <a href="/{_slug(a.section)}">{_e(a.section)}</a></div>
<div class="haber-detay"><h1 class="haber-baslik">{_e(a.title)}</h1><h2 class="haber-spot">{_e(a.summary)}</h2>
<div class="haber-bilgi"><span class="muhabir">{_e(a.author)}</span>
<span class="tarih">Giriş: {a.when:%d.%m.%Y %H:%M}</span><span class="tarih">Güncelleme: {upd:%d.%m.%Y %H:%M}</span></div>
<div class="haber-metni">{_p(a.body)}</div>
<div class="etiketler">{''.join(f'<a href="/etiket/{_slug(t)}">{t}</a>' for t in a.tags)}</div></div>
<div class="ilgili-haberler"><div class="blok-baslik">İlgili Haberler</div>
{''.join(f'<div class="mini-haber"><a href="{r.path}"><span>{_e(r.title)}</span></a></div>' for r in (arts[(i + 2) % len(arts)], arts[(i + 5) % len(arts)]))}
</div></div>{cok_okunan()}</div>{footer}</body></html>"""
        _html(files, a.path, html)
    files["/sitemap-news.xml"] = (XML, _sitemap(base, arts, news="Ege Haber", lang="tr"))
    return _finish("tr_haber", "Turkish portal, ?sayfa=N, Giriş/Güncelleme, news sitemap", "Europe/Istanbul", base,
                   page_url(1), files, arts, [page_url(k) for k in range(1, len(pages) + 1)], sitemap="news sitemap",
                   robots=_robots(base, ["/sitemap-news.xml"], ("/arama", "/uye/")))


# ======================================================================================
# kk_habar: Kazakh Bitrix portal, ?PAGEN_1=N, detail.php?ID=N
# ======================================================================================

_KK_MONTHS = "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан".split()


def _kk_date(d: datetime) -> str:
    return f"{d.day} {_KK_MONTHS[d.month - 1]} {d.year}, {d:%H:%M}"


def kk_habar(base: str) -> Site:
    arts = _articles(KK, 14, 24, "Asia/Almaty", start=datetime(2025, 3, 12, 19, 0), min_gap_h=3, max_gap_h=20)
    for a in arts:
        a.path = f"/kz/news/detail.php?ID={a.n}"
    pages = _chunks(arts, 8)
    files: dict[str, tuple[str, bytes]] = {}
    nav = ('<div class="header"><div class="lang-switch"><a href="/kz/">ҚАЗ</a> <a href="/ru/">РУС</a> '
           '<a href="/en/">ENG</a></div><a class="logo" href="/kz/">Хабар-Өңір</a><ul class="top-menu">'
           + "".join(f'<li><a href="/kz/{_slug(s) or "bolim"}-{j}/">{s}</a></li>' for j, s in enumerate(KK.sections))
           + '<li><a href="/kz/video/">Бейне</a></li><li><a href="/kz/contacts/">Байланыс</a></li></ul></div>')
    side = ('<div class="sidebar"><div class="block-title">Көп оқылған</div><ul class="popular">'
            + "".join(f'<li><a href="{a.path}">{_e(a.title)}</a><span>{_kk_date(a.when)}</span></li>'
                      for a in sorted(arts, key=lambda a: (a.n * 13) % 29)[:5])
            + '</ul><div class="block-title">Валюта бағамы</div><p>USD 503,12 · EUR 545,30 · RUB 5,71</p>'
              '<div class="block-title">Сауалнама</div><form action="/kz/vote/"><p>Жаңа тарифтерге қалай '
              'қарайсыз?</p><input type="radio" name="v"> Қолдаймын <input type="radio" name="v"> Қарсымын'
              '<button>Дауыс беру</button></form></div>')
    footer = ('<div class="footer"><p>© 2025 «Хабар-Өңір» ақпарат агенттігі. Материалдарды пайдаланғанда '
              'сілтеме міндетті.</p><a href="/kz/about/">Біз туралы</a> <a href="/kz/advert/">Жарнама</a> '
              '<a href="/kz/rules/">Пайдалану ережесі</a></div>')

    def page_url(k: int) -> str:
        return "/kz/news/" if k == 1 else f"/kz/news/?PAGEN_1={k}"

    for k, chunk in enumerate(pages, 1):
        items = []
        for a in chunk:
            items.append(
                f'<div class="news-item" id="bx_3218110189_{a.n}"><a href="{a.path}"><img class="preview_picture" '
                f'src="/upload/iblock/{a.n % 997:03d}/{a.n}.jpg" alt="{_e(a.title)}"></a>'
                f'<span class="news-date-time">{_kk_date(a.when)}</span>'
                f'<a href="{a.path}"><b>{_e(a.title)}</b></a><br>{_e(a.summary)}'
                f'<div style="clear:both"></div></div>')
        pag = ['<div class="bx-pagination"><ul>']
        if k > 1:
            pag.append(f'<li class="bx-pag-prev"><a href="{page_url(k - 1)}"><span>Алдыңғы</span></a></li>')
        for i in range(1, len(pages) + 1):
            pag.append(f'<li class="bx-active"><span>{i}</span></li>' if i == k
                       else f'<li><a href="{page_url(i)}"><span>{i}</span></a></li>')
        if k < len(pages):
            pag.append(f'<li class="bx-pag-next"><a href="{page_url(k + 1)}"><span>Келесі</span></a></li>')
        pag.append("</ul></div>")
        html = f"""<!DOCTYPE html><html lang="kk"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>Жаңалықтар</title></head><body>{nav}<div class="workarea"><div class="content"><h1>Жаңалықтар</h1>
<div class="news-list">{''.join(items)}</div>{''.join(pag)}</div>{side}</div>{footer}</body></html>"""
        _html(files, page_url(k), html)

    for i, a in enumerate(arts):
        html = f"""<!DOCTYPE html><html lang="kk"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>{_e(a.title)}</title></head><body>{nav}<div class="workarea"><div class="content">
<div class="news-detail"><h1>{_e(a.title)}</h1><span class="news-date-time">{_kk_date(a.when)}</span>
<img class="detail_picture" src="/upload/iblock/{a.n % 997:03d}/{a.n}.jpg" alt="">
<div class="detail-text">{_p(a.body)}</div>
<div class="news-author">Авторы: {_e(a.author)}</div>
<div class="share">Бөлісу: <a href="https://t.me/share/url?url={base}{a.path}">Telegram</a>
<a href="https://wa.me/?text={base}{a.path}">WhatsApp</a></div></div>
<p><a href="/kz/news/">Жаңалықтар тізіміне оралу</a></p></div>{side}</div>{footer}</body></html>"""
        _html(files, a.path, html)
    return _finish("kk_habar", "Kazakh Bitrix portal, ?PAGEN_1=N, detail.php?ID=N, no feed/sitemap", "Asia/Almaty",
                   base, page_url(1), files, arts, [page_url(k) for k in range(1, len(pages) + 1)])


# ======================================================================================
# ar_akhbar: Arabic RTL, ?page=N
# ======================================================================================

_AR_MONTHS = "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر".split()
_AR_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _ar_date(d: datetime) -> str:
    return f"{d.day} {_AR_MONTHS[d.month - 1]} {d.year}".translate(_AR_DIGITS)


def ar_akhbar(base: str) -> Site:
    arts = _articles(AR, 15, 40, "Asia/Riyadh", start=datetime(2025, 3, 10, 22, 30), min_gap_h=2, max_gap_h=10)
    for a in arts:
        a.path = f"/ar/news/{a.when.year}/{a.when.month}/{a.when.day}/" + quote(a.title.replace(" ", "-"))
    pages = _chunks(arts, 10)
    files: dict[str, tuple[str, bytes]] = {}
    head = '<link rel="alternate" type="application/rss+xml" title="أخبار اليوم" href="/ar/rss.xml">'
    nav = ('<header class="masthead"><a href="/ar/" class="logo">أخبار اليوم</a><nav class="main-nav">'
           + "".join(f'<a href="/ar/section/{j}">{s}</a>' for j, s in enumerate(AR.sections))
           + '<a href="/ar/video">فيديو</a><a href="/en/">English</a></nav>'
             '<div class="prayer">مواقيت الصلاة: الفجر ٤:٥٢</div></header>')
    side = ('<aside class="sidebar"><div class="box"><h3>الأكثر قراءة</h3><ul>'
            + "".join(f'<li><a href="{a.path}">{_e(a.title)}</a></li>'
                      for a in sorted(arts, key=lambda a: (a.n * 17) % 41)[:5])
            + '</ul></div><div class="box"><h3>وسوم</h3>'
            + "".join(f'<a href="/ar/tag/{quote(t)}">{t}</a> ' for t in AR.tags)
            + '</div><div class="box"><h3>النشرة البريدية</h3><p>اشترك للحصول على أهم الأخبار يوميا في بريدك.</p>'
              '<form action="/ar/newsletter"><input name="email"><button>اشترك</button></form></div></aside>')
    footer = ('<footer><p>جميع الحقوق محفوظة © ٢٠٢٥ أخبار اليوم</p><a href="/ar/about">من نحن</a> '
              '<a href="/ar/privacy">سياسة الخصوصية</a> <a href="/ar/contact">اتصل بنا</a></footer>')

    def page_url(k: int) -> str:
        return "/ar/news" if k == 1 else f"/ar/news?page={k}"

    for k, chunk in enumerate(pages, 1):
        cards = []
        for a in chunk:
            cards.append(
                f'<div class="news-card"><div class="news-card__img"><a href="{a.path}">'
                f'<img src="/media/{a.n}.jpg" alt=""></a></div><div class="news-card__body">'
                f'<h3><a href="{a.path}">{_e(a.title)}</a></h3><p>{_e(a.summary)}</p>'
                f'<div class="news-card__meta"><span class="cat">{_e(a.section)}</span> '
                f'<span class="date">{_ar_date(a.when)}</span></div></div></div>')
        pag = []
        if k > 1:
            pag.append(f'<a href="{page_url(k - 1)}" class="prev">السابق</a>')
        pag += [f'<a href="{page_url(i)}" class="{"active" if i == k else ""}">{str(i).translate(_AR_DIGITS)}</a>'
                for i in range(1, len(pages) + 1)]
        if k < len(pages):
            pag.append(f'<a href="{page_url(k + 1)}" class="next">التالي</a>')
        html = f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>آخر الأخبار - أخبار اليوم</title>
{head}</head><body>{nav}<div class="layout"><main><h1 class="page-title">آخر الأخبار</h1>
<div class="news-grid">{''.join(cards)}</div><div class="pager">{' '.join(pag)}</div></main>{side}</div>{footer}</body></html>"""
        _html(files, page_url(k), html)

    for i, a in enumerate(arts):
        rel = [arts[(i + d) % len(arts)] for d in (2, 6)]
        html = f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{_e(a.title)} | أخبار اليوم</title>
<meta property="og:title" content="{_e(a.title)}">{head}</head><body>{nav}<div class="layout"><main>
<article class="story"><div class="story__section">{_e(a.section)}</div><h1 class="story__title">{_e(a.title)}</h1>
<div class="story__meta"><span class="author">{_e(a.author)}</span> - <time datetime="{a.when.isoformat()}">{_ar_date(a.when)}</time></div>
<div class="story__body">{_p(a.body[:3])}<div class="read-also">اقرأ أيضا: <a href="{rel[0].path}">{_e(rel[0].title)}</a></div>{_p(a.body[3:])}</div>
</article><section class="related"><h3>أخبار ذات صلة</h3><ul>{''.join(f'<li><a href="{r.path}">{_e(r.title)}</a></li>' for r in rel)}</ul></section>
</main>{side}</div>{footer}</body></html>"""
        _html(files, a.path, html)
    files["/ar/rss.xml"] = (RSS, _rss(base, "أخبار اليوم", base + "/ar/", "ar", arts))
    files["/sitemap.xml"] = (XML, _sitemap(base, arts))
    return _finish("ar_akhbar", "Arabic RTL, ?page=N, Arabic-Indic digits, RSS + sitemap", "Asia/Riyadh", base,
                   page_url(1), files, arts, [page_url(k) for k in range(1, len(pages) + 1)], feed="rss", sitemap="sitemap",
                   robots=_robots(base, ["/sitemap.xml"]))


# ======================================================================================
# id_warta: Indonesian portal, /indeks/N, load more + numbers, WIB
# ======================================================================================

_ID_DAYS = "Senin Selasa Rabu Kamis Jumat Sabtu Minggu".split()
_ID_MONTHS = "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des".split()


def _id_date(d: datetime) -> str:
    return f"{_ID_DAYS[d.weekday()]}, {d.day:02d} {_ID_MONTHS[d.month - 1]} {d.year} {d:%H:%M} WIB"


def id_warta(base: str) -> Site:
    arts = _articles(ID, 16, 47, "Asia/Jakarta", start=datetime(2025, 3, 11, 22, 15), min_gap_h=1, max_gap_h=6)
    for a in arts:
        a.path = f"/read/{a.when:%Y/%m/%d}/{a.when:%H%M}{a.n % 100:02d}{a.n}/{_slug(a.title)}"
    pages = _chunks(arts, 10)
    files: dict[str, tuple[str, bytes]] = {}
    nav = ('<div class="navbar"><a class="logo" href="/">WartaJabar</a><ul class="nav-kanal">'
           + "".join(f'<li><a href="/{_slug(s)}">{s}</a></li>' for s in ID.sections)
           + '<li><a href="/foto">Foto</a></li><li><a href="/video">Video</a></li><li><a href="/indeks">Indeks</a></li>'
             '</ul><a href="/login" class="masuk">Masuk</a></div>')
    side = ('<div class="col-side"><div class="box-terpopuler"><div class="title-box">Terpopuler</div>'
            + "".join(f'<article class="list-populer"><a href="{a.path}"><span class="no">{j}</span>'
                      f'<h3>{_e(a.title)}</h3></a></article>'
                      for j, a in enumerate(sorted(arts, key=lambda a: (a.n * 23) % 53)[:5], 1))
            + '</div><div class="box-topik"><div class="title-box">Topik Pilihan</div>'
            + "".join(f'<a href="/topik/{_slug(t)}">#{t}</a> ' for t in ID.tags)
            + '</div><div class="ads">ADVERTISEMENT</div></div>')
    footer = ('<footer class="footer"><ul><li><a href="/redaksi">Redaksi</a></li><li><a href="/pedoman-media-siber">'
              'Pedoman Media Siber</a></li><li><a href="/karir">Karir</a></li><li><a href="/kontak">Kontak</a></li>'
              '</ul><p>Copyright © 2025 WartaJabar.com - All rights reserved</p></footer>')

    def page_url(k: int) -> str:
        return "/indeks" if k == 1 else f"/indeks/{k}"

    for k, chunk in enumerate(pages, 1):
        rows = []
        for a in chunk:
            rows.append(
                f'<article class="list-content__item"><div class="media"><div class="media__image">'
                f'<a href="{a.path}" class="media__link"><img src="/thumb/{a.n}.jpg" alt="{_e(a.title)}"></a></div>'
                f'<div class="media__text"><h3 class="media__title"><a href="{a.path}" class="media__link">{_e(a.title)}</a></h3>'
                f'<div class="media__date"><span title="{_id_date(a.when)}">{_id_date(a.when)}</span></div>'
                f'</div></div></article>')
        more = (f'<div class="loadmore"><a class="btn btn--loadmore" href="{page_url(k + 1)}" data-page="{k + 1}">'
                f'Muat Lebih Banyak</a></div>' if k < len(pages) else "")
        nums = []
        if k > 1:
            nums.append(f'<a class="pagination__item" href="{page_url(k - 1)}">Prev</a>')
        for i in range(1, len(pages) + 1):
            nums.append(f'<a class="pagination__item{" itp-pagination--active" if i == k else ""}" href="{page_url(i)}">{i}</a>')
        if k < len(pages):
            nums.append(f'<a class="pagination__item" href="{page_url(k + 1)}">Next</a>')
        html = f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Indeks Berita Terkini Hari Ini - WartaJabar</title>
</head><body>{nav}<div class="container"><div class="col-main"><h1 class="title-page">Indeks Berita</h1>
<div class="list-content">{''.join(rows)}</div>{more}<div class="pagination">{''.join(nums)}</div></div>{side}</div>
{footer}</body></html>"""
        _html(files, page_url(k), html)

    for i, a in enumerate(arts):
        baca = arts[(i + 3) % len(arts)]
        body = a.body[:2] + [f"BACA JUGA: {baca.title}"] + a.body[2:]
        paras = "".join(f'<p><strong><a href="{baca.path}">BACA JUGA: {_e(baca.title)}</a></strong></p>'
                        if t.startswith("BACA JUGA") else f"<p>{_e(t)}</p>" for t in body)
        html = f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{_e(a.title)}</title>
<meta name="author" content="{_e(a.author)}"></head><body>{nav}<div class="container"><div class="col-main">
<article class="detail"><div class="detail__header"><h1 class="detail__title">{_e(a.title)}</h1>
<div class="detail__author">{_e(a.author)} - WartaJabar</div><div class="detail__date">{_id_date(a.when)}</div></div>
<div class="detail__body-text"><p><strong>Bandung</strong> - {_e(a.summary)}</p>{paras}
<p>(<em>{_slug(a.author)[:3]}/{_slug(a.section)[:3]}</em>)</p></div>
<div class="detail__body-tag">{''.join(f'<a href="/tag/{_slug(t)}" class="nav__item">{t}</a>' for t in a.tags)}</div>
</article></div>{side}</div>{footer}</body></html>"""
        _html(files, a.path, html)
    children = _chunks(arts, 25)
    index = ['<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for j, child in enumerate(children, 1):
        files[f"/sitemap/news-{j}.xml"] = (XML, _sitemap(base, child))
        index.append(f"<sitemap><loc>{base}/sitemap/news-{j}.xml</loc><lastmod>{max(a.when for a in child).isoformat()}</lastmod></sitemap>")
    index.append("</sitemapindex>\n")
    files["/sitemap/index.xml"] = (XML, "".join(index).encode())
    return _finish("id_warta", "Indonesian portal, /indeks/N, load more + numbers, WIB, sitemap index", "Asia/Jakarta",
                   base, page_url(1), files, arts, [page_url(k) for k in range(1, len(pages) + 1)], sitemap="sitemap index",
                   robots=_robots(base, ["/sitemap/index.xml"], ("/search", "/login")))


# ======================================================================================
# pl_kurier: Polish daily, ?start=N
# ======================================================================================

_PL_MONTHS = ("stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada "
              "grudnia").split()


def pl_kurier(base: str) -> Site:
    arts = _articles(PL, 17, 42, "Europe/Warsaw", start=datetime(2025, 3, 14, 16, 20), min_gap_h=2, max_gap_h=12)
    for a in arts:
        a.path = f"/wiadomosci/{_slug(a.section)}/{_slug(a.title)},{a.n}.html"
    pages = _chunks(arts, 15)
    files: dict[str, tuple[str, bytes]] = {}
    rodo = ('<div class="rodo-overlay"><div class="rodo"><h3>Szanowny Czytelniku</h3><p>Przed przejściem do serwisu '
            'prosimy o zapoznanie się z informacjami dotyczącymi przetwarzania danych osobowych (RODO) oraz plików '
            'cookies przez Kurier Krakowski Sp. z o.o. i naszych partnerów.</p><a href="/polityka-prywatnosci.html">'
            'Polityka prywatności</a><button>Przejdź do serwisu</button></div></div>')
    nav = ('<div id="naglowek"><a id="logo" href="/">Kurier Krakowski</a><ul id="menu">'
           + "".join(f'<li><a href="/wiadomosci/{_slug(s)}/">{s}</a></li>' for s in PL.sections)
           + '<li><a href="/nekrologi/">Nekrologi</a></li><li><a href="/ogloszenia/">Ogłoszenia</a></li>'
             '<li><a href="/prenumerata/">Prenumerata</a></li></ul></div>')
    side = ('<div id="prawa"><div class="ramka"><h4>Najczęściej czytane</h4>'
            + "".join(f'<p><a href="{a.path}">{_e(a.title)}</a></p>'
                      for a in sorted(arts, key=lambda a: (a.n * 19) % 43)[:5])
            + '</div><div class="ramka"><h4>Pogoda</h4><p>Kraków: 11°C, zachmurzenie umiarkowane.</p></div>'
              '<div class="ramka"><h4>Tematy</h4>'
            + "".join(f'<a href="/tematy/{_slug(t)}/">{t}</a> ' for t in PL.tags) + '</div></div>')
    footer = ('<div id="stopka"><a href="/redakcja.html">Redakcja</a> | <a href="/reklama.html">Reklama</a> | '
              '<a href="/regulamin.html">Regulamin</a> | <a href="/kontakt.html">Kontakt</a>'
              '<p>Copyright © 2025 Kurier Krakowski. Wszelkie prawa zastrzeżone.</p></div>')

    def page_url(k: int) -> str:
        return "/wiadomosci/" if k == 1 else f"/wiadomosci/?start={(k - 1) * 15}"

    for k, chunk in enumerate(pages, 1):
        rows = []
        for a in chunk:
            rows.append(
                f'<div class="art-row"><div class="art-foto"><a href="{a.path}"><img src="/zdjecia/{a.n}_m.jpg"></a></div>'
                f'<div class="art-tekst"><div class="art-data">{a.when:%d.%m.%Y} | <a href="/wiadomosci/{_slug(a.section)}/">'
                f'{_e(a.section)}</a></div><a class="art-tytul" href="{a.path}"><h3>{_e(a.title)}</h3></a>'
                f'<div class="art-lead">{_e(a.summary)}</div></div></div>')
        pag = ['<div class="stronicowanie">']
        if k > 1:
            pag.append(f'<a href="{page_url(k - 1)}">‹ Poprzednia</a>')
        pag += [f'<b>{i}</b>' if i == k else f'<a href="{page_url(i)}">{i}</a>' for i in range(1, len(pages) + 1)]
        if k < len(pages):
            pag.append(f'<a href="{page_url(k + 1)}">Następna ›</a>')
        pag.append("</div>")
        html = f"""<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>Wiadomości - Kurier Krakowski</title>
</head><body>{rodo}{nav}<div id="tresc"><div id="lewa"><h1>Wiadomości</h1>{''.join(rows)}{' '.join(pag)}</div>{side}</div>
{footer}</body></html>"""
        _html(files, page_url(k), html)

    for i, a in enumerate(arts):
        zob = [arts[(i + d) % len(arts)] for d in (1, 2, 8)]
        html = f"""<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>{_e(a.title)} - Kurier Krakowski</title>
<meta property="og:title" content="{_e(a.title)}"></head><body>{rodo}{nav}<div id="tresc"><div id="lewa">
<div class="artykul"><h1>{_e(a.title)}</h1><div class="art-info">Opublikowano: {a.when.day} {_PL_MONTHS[a.when.month - 1]} {a.when.year}, {a.when:%H:%M}
<br>Autor: <a href="/autorzy/{_slug(a.author)}/">{_e(a.author)}</a></div>
<div class="art-lead"><strong>{_e(a.summary)}</strong></div><div class="art-tresc">{_p(a.body)}</div>
<div class="zobacz-takze"><h4>Zobacz także</h4><ul>{''.join(f'<li><a href="{r.path}">{_e(r.title)}</a></li>' for r in zob)}</ul></div>
</div></div>{side}</div>{footer}</body></html>"""
        _html(files, a.path, html)
    return _finish("pl_kurier", "Polish daily, ?start=N offsets, Opublikowano:, no feed/sitemap", "Europe/Warsaw", base,
                   page_url(1), files, arts, [page_url(k) for k in range(1, len(pages) + 1)])


# ======================================================================================
# ja_shimbun: Japanese paper, /news/list/?pg=N, year-less teaser dates
# ======================================================================================

def ja_shimbun(base: str) -> Site:
    arts = _articles(JA, 18, 20, "Asia/Tokyo", start=datetime(2025, 3, 12, 21, 0), min_gap_h=3, max_gap_h=14)
    for a in arts:
        a.path = f"/news/articles/{a.when:%Y%m%d}-{a.n:08d}.html"
    pages = _chunks(arts, 10)
    files: dict[str, tuple[str, bytes]] = {}
    head = '<link rel="alternate" type="application/rss+xml" title="港北新聞 最新ニュース" href="/rss/news.rdf">'
    nav = ('<div id="header"><p class="logo"><a href="/">港北新聞</a></p><ul class="gnav">'
           + "".join(f'<li><a href="/news/{_slug(s) or "cat"}{j}/">{s}</a></li>' for j, s in enumerate(JA.sections))
           + '<li><a href="/weather/">天気</a></li><li><a href="/member/login/">ログイン</a></li></ul></div>')
    side = ('<div id="side"><h2 class="side-ttl">アクセスランキング</h2><ol>'
            + "".join(f'<li><a href="{a.path}">{_e(a.title)}</a></li>'
                      for a in sorted(arts, key=lambda a: (a.n * 11) % 23)[:5])
            + '</ol><h2 class="side-ttl">特集</h2><ul><li><a href="/special/bousai/">防災特集</a></li>'
              '<li><a href="/special/election/">統一地方選</a></li></ul></div>')
    footer = ('<div id="footer"><ul><li><a href="/company/">会社概要</a></li><li><a href="/privacy/">個人情報保護方針</a>'
              '</li><li><a href="/contact/">お問い合わせ</a></li></ul><p>Copyright © 港北新聞社 All rights reserved. '
              '記事・写真の無断転載を禁じます。</p></div>')

    def page_url(k: int) -> str:
        return "/news/list/" if k == 1 else f"/news/list/?pg={k}"

    for k, chunk in enumerate(pages, 1):
        lis = [f'<li><a href="{a.path}"><span class="ttl">{_e(a.title)}</span>'
               f'<span class="time">{a.when.month}月{a.when.day}日 {a.when:%H:%M}</span></a></li>' for a in chunk]
        pag = []
        if k > 1:
            pag.append(f'<li class="prev"><a href="{page_url(k - 1)}">前のページへ</a></li>')
        pag += [f'<li class="current">{i}</li>' if i == k else f'<li><a href="{page_url(i)}">{i}</a></li>'
                for i in range(1, len(pages) + 1)]
        if k < len(pages):
            pag.append(f'<li class="next"><a href="{page_url(k + 1)}">次のページへ</a></li>')
        html = f"""<!DOCTYPE html><html lang="ja"><head><meta charset="UTF-8"><title>最新ニュース一覧｜港北新聞</title>
{head}</head><body>{nav}<div id="wrap"><div id="main"><h1 class="page-ttl">最新ニュース一覧</h1>
<ul class="newsList">{''.join(lis)}</ul><ul class="pager">{''.join(pag)}</ul></div>{side}</div>{footer}</body></html>"""
        _html(files, page_url(k), html)

    for i, a in enumerate(arts):
        html = f"""<!DOCTYPE html><html lang="ja"><head><meta charset="UTF-8"><title>{_e(a.title)}｜港北新聞</title>
<meta property="og:title" content="{_e(a.title)}｜港北新聞">{head}</head><body>{nav}<div id="wrap"><div id="main">
<div class="article"><h1 class="article-ttl">{_e(a.title)}</h1>
<p class="article-date">{a.when.year}年{a.when.month}月{a.when.day}日 {a.when.hour}時{a.when.minute:02d}分</p>
<div class="article-body">{_p(a.body)}<p class="credit">（{_e(a.author)}）</p></div>
<div class="related"><h2>関連記事</h2><ul>{''.join(f'<li><a href="{arts[(i + d) % len(arts)].path}">{_e(arts[(i + d) % len(arts)].title)}</a></li>' for d in (1, 5))}</ul></div>
</div></div>{side}</div>{footer}</body></html>"""
        _html(files, a.path, html)
    files["/rss/news.rdf"] = (RSS, _rss(base, "港北新聞 最新ニュース", base + "/news/list/", "ja", arts))
    return _finish("ja_shimbun", "Japanese paper, ?pg=N, year-less teaser dates, RSS", "Asia/Tokyo", base,
                   page_url(1), files, arts, [page_url(k) for k in range(1, len(pages) + 1)], feed="rss")


# ======================================================================================
# de_rundschau: German regional paper, ?seite=N, dates only in JSON-LD
# ======================================================================================

def de_rundschau(base: str) -> Site:
    arts = _articles(DE, 19, 27, "Europe/Berlin", start=datetime(2025, 3, 31, 23, 20), min_gap_h=3, max_gap_h=24)
    for a in arts:
        a.path = f"/nachrichten/{_slug(a.section)}/{_slug(a.title)}-id{a.n}.html"
    pages = _chunks(arts, 9)
    PLUS = '<span class="card__plus">RR+</span>'
    files: dict[str, tuple[str, bytes]] = {}
    site_name = "Rheinische Rundschau"
    head = '<link rel="alternate" type="application/atom+xml" title="Rheinische Rundschau – Nachrichten" href="/feeds/nachrichten.atom">'
    consent = ('<div id="sp_message_container" class="consent"><p>Wir und unsere Partner verwenden Cookies und '
               'ähnliche Technologien, um Inhalte zu personalisieren und die Nutzung zu analysieren. Mit "Zustimmen" '
               'willigen Sie ein.</p><button>Zustimmen</button> <a href="/datenschutz/">Einstellungen</a></div>')
    nav = ('<header class="page-header"><a class="logo" href="/">Rheinische Rundschau</a>'
           '<a class="abo" href="/abo/">RR+ testen</a><nav aria-label="Hauptnavigation"><ul>'
           + "".join(f'<li><a href="/nachrichten/{_slug(s)}/">{s}</a></li>' for s in DE.sections)
           + '<li><a href="/epaper/">E-Paper</a></li><li><a href="/traueranzeigen/">Traueranzeigen</a></li></ul></nav></header>')
    side = ('<aside class="sidebar"><section class="teaser-box"><h2>Meistgelesen</h2><ol>'
            + "".join(f'<li><a href="{a.path}"><span class="kicker">{_e(a.section)}</span> {_e(a.title)}</a></li>'
                      for a in sorted(arts, key=lambda a: (a.n * 29) % 31)[:5])
            + '</ol></section><section class="teaser-box"><h2>Themen</h2><ul class="tags">'
            + "".join(f'<li><a href="/thema/{_slug(t)}/">{t}</a></li>' for t in DE.tags)
            + '</ul></section></aside>')
    footer = ('<footer class="page-footer"><nav><a href="/impressum/">Impressum</a> <a href="/datenschutz/">Datenschutz</a>'
              ' <a href="/agb/">AGB</a> <a href="/kontakt/">Kontakt</a> <a href="/mediadaten/">Mediadaten</a></nav>'
              '<p>© Rheinische Rundschau GmbH 2025</p></footer>')

    def page_url(k: int) -> str:
        return "/nachrichten/" if k == 1 else f"/nachrichten/?seite={k}"

    for k, chunk in enumerate(pages, 1):
        cards = []
        for a in chunk:
            cards.append(
                f'<article class="card card--horizontal"><a class="card__link" href="{a.path}">'
                f'<picture class="card__media"><img src="/bilder/{a.n}.webp" alt="" loading="lazy"></picture>'
                f'<div class="card__content"><span class="card__kicker">{_e(a.section)}</span>'
                f'<h2 class="card__headline">{_e(a.title)}</h2><p class="card__teaser">{_e(a.summary)}</p></div></a>'
                f'{PLUS if a.n % 4 == 0 else ""}</article>')
        pag = ['<nav class="pagination" aria-label="Seitennavigation">']
        if k > 1:
            pag.append(f'<a class="pagination__prev" href="{page_url(k - 1)}" aria-label="Vorherige Seite"><svg viewBox="0 0 8 8"><path d="M6 0L2 4l4 4"/></svg></a>')
        pag += [f'<span class="pagination__page" aria-current="page">{i}</span>' if i == k
                else f'<a class="pagination__page" href="{page_url(i)}">{i}</a>' for i in range(1, len(pages) + 1)]
        if k < len(pages):
            pag.append(f'<a class="pagination__next" href="{page_url(k + 1)}" aria-label="Nächste Seite"><svg viewBox="0 0 8 8"><path d="M2 0l4 4-4 4"/></svg></a>')
        pag.append("</nav>")
        html = f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Nachrichten aus Köln und der Region | {site_name}</title>
{head}</head><body>{consent}{nav}<main class="page-main"><h1>Nachrichten</h1><div class="stream">{''.join(cards)}</div>
{''.join(pag)}</main>{side}{footer}</body></html>"""
        _html(files, page_url(k), html)

    for i, a in enumerate(arts):
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
              "datePublished": a.when.isoformat(), "dateModified": (a.updated or a.when).isoformat(),
              "author": [{"@type": "Person", "name": a.author}],
              "publisher": {"@type": "Organization", "name": site_name},
              "mainEntityOfPage": base + a.path, "isAccessibleForFree": a.n % 4 != 0}
        more = [arts[(i + d) % len(arts)] for d in (2, 3)]
        html = f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{_e(a.title)} - {site_name}</title>
<meta property="og:title" content="{_e(a.title)} - {site_name}"><meta name="description" content="{_e(a.summary)}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>{head}</head><body>{consent}{nav}
<main class="page-main"><article class="article"><header class="article__header"><span class="article__kicker">{_e(a.section)}</span>
<h1 class="article__headline">{_e(a.title)}</h1><p class="article__intro">{_e(a.summary)}</p>
<div class="article__author">Von <a href="/autoren/{_slug(a.author)}/">{_e(a.author)}</a></div></header>
<div class="article__body">{_p(a.body[:2])}<aside class="inline-teaser"><span>Lesen Sie auch</span>
<a href="{more[0].path}">{_e(more[0].title)}</a></aside>{_p(a.body[2:])}</div></article>
<section class="more-articles"><h2>Mehr aus {_e(a.section)}</h2>{''.join(f'<a class="card__link" href="{r.path}"><h3>{_e(r.title)}</h3></a>' for r in more)}</section>
</main>{side}{footer}</body></html>"""
        _html(files, a.path, html)
    files["/feeds/nachrichten.atom"] = (ATOM, _atom(base, site_name, base + "/feeds/nachrichten.atom", arts))
    files["/sitemaps/articles.xml"] = (XML, _sitemap(base, arts))
    return _finish("de_rundschau", "German paper, ?seite=N, dates only in JSON-LD, title suffix, Atom + sitemap",
                   "Europe/Berlin", base, page_url(1), files, arts, [page_url(k) for k in range(1, len(pages) + 1)], feed="atom", sitemap="sitemap",
                   robots=_robots(base, ["/sitemaps/articles.xml"], ("/suche/", "/abo/login")))


# ======================================================================================
# en_courier: US local paper, /news/p/N, rel=next, EDT, undated press releases
# ======================================================================================

def en_courier(base: str) -> Site:
    arts = _articles(EN, 20, 33, "America/New_York", start=datetime(2025, 3, 20, 23, 50), min_gap_h=2, max_gap_h=14,
                     dated=lambda rng, i: i % 3 != 2)
    for a in arts:
        kind = "news" if a.dated else "press-releases"
        a.path = f"/{kind}/{a.when:%Y/%m}/{_slug(a.title)}"
    pages = _chunks(arts, 12)
    LABEL = ' <span class="label">Press release</span>'
    files: dict[str, tuple[str, bytes]] = {}
    head = '<link rel="alternate" type="application/rss+xml" title="Harbor Courier" href="/feed/rss">'
    nav = ('<div class="alert-bar"><a href="/weather/alerts">Winter weather advisory until 7 PM</a></div>'
           '<header><a class="masthead" href="/">The Harbor Courier</a><a href="/subscribe">Subscribe</a> '
           '<a href="/account/sign-in">Sign in</a><nav><a href="/">Home</a>'
           + "".join(f'<a href="/{_slug(s)}">{s}</a>' for s in EN.sections)
           + '<a href="/obituaries">Obituaries</a><a href="/e-edition">e-Edition</a></nav></header>')
    side = ('<div class="rail"><div class="rail-module"><h3 class="rail-title">Trending</h3>'
            + "".join(f'<div class="trending-item"><a href="{a.path}">{_e(a.title)}</a></div>'
                      for a in sorted(arts, key=lambda a: (a.n * 37) % 59)[:4])
            + '</div><div class="rail-module"><h3 class="rail-title">Newsletters</h3><p>Get the morning briefing '
              'in your inbox every weekday.</p><a href="/newsletters">Sign up</a></div></div>')
    footer = ('<footer><a href="/about-us">About us</a> <a href="/contact">Contact</a> <a href="/advertise">Advertise</a> '
              '<a href="/terms">Terms of Use</a> <a href="/privacy">Privacy Policy</a><p>© 2025 Harbor Courier Media. '
              'All rights reserved.</p></footer>')

    def page_url(k: int) -> str:
        return "/news" if k == 1 else f"/news/p/{k}"

    def stamp(d: datetime) -> str:
        return f"{d.strftime('%I:%M %p').lstrip('0')} {d.tzname()}, {d:%a %B} {d.day}, {d.year}"

    for k, chunk in enumerate(pages, 1):
        items = "".join(f'<div class="headline-list__item"><a href="{a.path}">{_e(a.title)}</a>'
                        f'{LABEL if not a.dated else ""}</div>' for a in chunk)
        rel = f'<link rel="next" href="{base}{page_url(k + 1)}">' if k < len(pages) else ""
        rel += f'<link rel="prev" href="{base}{page_url(k - 1)}">' if k > 1 else ""
        pager = (f'<nav class="pager"><a class="button" href="{page_url(k + 1)}">Next page</a></nav>'
                 if k < len(pages) else '<nav class="pager"></nav>')
        html = f"""<!DOCTYPE html><html lang="en-US"><head><meta charset="utf-8"><title>Latest News | The Harbor Courier</title>
{head}{rel}</head><body>{nav}<div class="page"><section class="headline-list"><h1>Latest News</h1>{items}</section>
{pager}{side}</div>{footer}</body></html>"""
        _html(files, page_url(k), html)

    for i, a in enumerate(arts):
        if a.dated:
            upd = a.updated or a.when
            stamps = (f'<div class="timestamp">Updated {stamp(upd)}</div>'
                      f'<div class="timestamp">Published {stamp(a.when)}</div>')
        else:
            stamps = '<div class="source">Submitted by Harbor County Communications Office</div>'
        html = f"""<!DOCTYPE html><html lang="en-US"><head><meta charset="utf-8"><title>{_e(a.title)} | The Harbor Courier</title>
<meta property="og:title" content="{_e(a.title)}">{head}</head><body>{nav}<div class="page"><article class="story">
<h1 class="headline">{_e(a.title)}</h1><div class="byline">By <a href="/staff/{_slug(a.author)}">{_e(a.author)}</a></div>
{stamps}<div class="story-body">{_p(a.body)}</div>
<div class="related-content"><h2>Related</h2>{''.join(f'<a href="{arts[(i + d) % len(arts)].path}">{_e(arts[(i + d) % len(arts)].title)}</a>' for d in (1, 2))}</div>
</article>{side}</div>{footer}</body></html>"""
        _html(files, a.path, html)
    files["/feed/rss"] = (RSS, _rss(base, "The Harbor Courier", base + "/news", "en-us", arts))
    return _finish("en_courier", "US local paper, /news/p/N + rel=next, EDT stamps, undated press releases, RSS",
                   "America/New_York", base, page_url(1), files, arts, [page_url(k) for k in range(1, len(pages) + 1)], feed="rss")


SITES: dict[str, Callable[[str], Site]] = {
    f.__name__: f for f in (es_diario, fr_echo, tr_haber, kk_habar, ar_akhbar, id_warta, pl_kurier, ja_shimbun,
                            de_rundschau, en_courier)
}


def build(name: str, base: str) -> Site:
    """Site ``name`` with its pages built for ``base`` (``http://127.0.0.1:PORT``, no trailing slash)."""
    return SITES[name](base.rstrip("/"))
