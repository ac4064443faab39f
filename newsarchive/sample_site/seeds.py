"""Hand-written article texts the generator places at fixed positions.

The four English articles are the teasers of a real timesca.com search-results page (the
project's seed page), split into paragraphs, so the replica carries genuine house style
next to generated text. The Russian article backs the windows-1251 edge case; its text
is original and every character is representable in cp1251.
"""

from __future__ import annotations

from typing import NamedTuple


class SeedArticle(NamedTuple):
    """Fixed content for one article; everything else (date, authors) is still generated."""

    title: str
    paragraphs: tuple[str, ...]
    topics: tuple[str, ...] = ()
    slug: str | None = None  # only when the title does not slugify to a Latin slug


SEED_ARTICLES: tuple[SeedArticle, ...] = (
    SeedArticle(
        title='Kazakhstan Proposes Cash Rewards for Citizens Who Report Drug Crimes',
        paragraphs=(
            (
                'Kazakhstan’s Ministry of Internal Affairs is developing a plan to financially '
                'reward citizens who provide information leading to the resolution of '
                'drug-related crimes. The initiative was announced by Kuandyk Alzhanov, Deputy '
                'Chairman of the Committee on Combating Drug Crime, during a press conference '
                'in Astana. “We are constantly improving legislation related to drug '
                'enforcement. Penalties for drug trafficking have been strengthened, and the '
                'list of controlled substances is regularly updated,” Alzhanov said.'
            ),
            (
                '“We are now working with the Prosecutor General’s Office and the National Bank'
                ' to design a mechanism for converting seized criminal assets into state '
                'revenue, and to establish a reward system for citizens who assist in '
                'uncovering drug crimes.” Alzhanov noted that regional and city akims of '
                'republican significance will now be personally accountable for the drug '
                'situation in their jurisdictions.'
            ),
            (
                'The Ministry has also launched a public testing initiative called Test in '
                'Every Home, encouraging Kazakhstani parents to use rapid drug tests to monitor'
                ' their children. “These tests can identify drug use within minutes and help '
                'detect addiction at an early stage,” Alzhanov explained. From January to '
                'September 2025, law enforcement agencies seized over 26 tons of narcotics, '
                'marking a 35% increase compared to the same period last year.'
            ),
            (
                'The seizures included more than nine tons of marijuana, over one ton of '
                'synthetic drugs, and more than 600 kilograms of hashish. The remainder '
                'consisted of raw cannabis plants. Authorities also reported a sharp rise in '
                'illicit indoor drug cultivation.'
            ),
            (
                'In 2025, police shut down 93 illegal greenhouse “phytolaboratories”, a '
                'fivefold increase compared to 2024. Alzhanov highlighted tougher penalties for'
                ' synthetic drug production, including new legislation introduced earlier this '
                'year mandating life imprisonment for producers. In 2024, 29 synthetic drug '
                'labs were dismantled and 419 kilograms of synthetic drugs were seized.'
            ),
            (
                'In the first nine months of 2025, authorities closed 12 labs and seized over '
                'one ton of synthetic substances, almost three times last year’s amount. These '
                'seizures prevented nearly 3 million single doses from entering the illegal '
                'market. During the same period, more than 6,000 drug-related offenses were '
                'documented, including 1,700 cases of drug sales and 300 cases of large-scale '
                'drug storage.'
            ),
            (
                'Police also dismantled 16 organized criminal groups, three of which operated '
                'transnationally. Sixteen group leaders and 60 active members were detained. '
                'Authorities also seized roughly 24 tons of chemical substances, including 17 '
                'tons of precursors, as well as equipment used in synthetic drug manufacturing.'
            ),
            (
                'In addition, officials recorded 379 cases of cultivation of narcotic plants, '
                '117 smuggling incidents, and 170 cases of drug-related propaganda. '
                'Volunteer-supported raids removed over 25,000 graffiti and online drug '
                'resource links, while more than 35,000 bank cards tied to drug trafficking '
                'were blocked. Approximately $4.6 million in related funds were frozen.'
            ),
            (
                'As reported previously by The Times of Central Asia, Kazakh authorities seized'
                ' about six tons of drugs in the first half of 2025 and 21 tons over the entire'
                ' previous year. This year’s escalation in enforcement underscores a marked '
                'intensification of the government’s anti-drug efforts.'
            ),
        ),
        topics=('Drug Trafficking', 'Law Enforcement'),
    ),
    SeedArticle(
        title='Twelve Years On, Tajikistan’s Police Reform Struggles to Deliver Real Change',
        paragraphs=(
            (
                'Launched in 2013, Tajikistan’s police reform aimed to modernize law '
                'enforcement, increase transparency, and build public trust. Twelve years '
                'later, while some progress is acknowledged, experts say the main objectives '
                'remain largely unfulfilled. Sadriddin Saidov, chairman of the Sughd regional '
                'branch of the Bar Association, notes improved accessibility to law '
                'enforcement.'
            ),
            (
                '“Now citizens can file complaints through hotlines or electronically, which '
                'means people can reach out at any time,” he said. In remote areas, mobile '
                'police units, minibuses outfitted as service offices, now provide legal '
                'consultations and assistance. Gulchehra Kholmatova, Head of the Legal '
                'Assistance Group of the Civil Society Coalition against Torture and Impunity '
                'in Tajikistan, said there is increasing dialogue between civil society and the'
                ' state.'
            ),
            (
                'NGOs are more frequently invited to discuss human rights issues and, in some '
                'cases, are granted access to detention centers. Recent legislative changes '
                'have guaranteed detainees access to legal counsel and introduced safeguards '
                'against abuse. With international support, Tajik police officers now undergo '
                'human rights training aimed at preventing torture.'
            ),
            (
                'Human rights advocate Larisa Aleksandrova cites specific gains in addressing '
                'domestic violence. The number of inspectors focused on preventing family '
                'violence has risen from 14 to 22, improving the registration and response to '
                'complaints. “The number of appeals to police regarding domestic violence has '
                'risen, and case registration has improved,” she said.'
            ),
            (
                'Yet many argue these reforms are more cosmetic than structural. Lawyer '
                'Bakhtiyor Nasrulloev contends the process resembles “degradation” rather than '
                'progress. “Access to local police stations has become more complicated due to '
                'multi-level controls and guards. This creates the impression that the police '
                'are distancing themselves from society, not moving closer,” he said.'
            ),
            (
                'Nasrulloev criticized the reform as superficial, focusing on new uniforms and '
                'rebranding without addressing systemic issues. Kholmatova notes that public '
                'oversight of detention facilities remains weak, and torture cases often go '
                'unpunished.'
            ),
            (
                'Aleksandrova adds that the reform slogan, “My police protect me,”\xa0has yet to '
                'become reality. “Nothing changes fundamentally. Even those who want to work '
                'honestly are constrained by a rigid system of control and subordination,” she '
                'said.'
            ),
            (
                'Experts point to lingering Soviet-era practices, where success is measured by '
                'the number of cases opened rather than investigative quality. For Saidov, a '
                'key obstacle is low public engagement. “Reforms will succeed only if citizens '
                'actively express their opinions and proposals,” he said.'
            ),
            (
                'Aleksandrova also highlights insufficient gender sensitivity in police '
                'responses to discrimination and domestic violence. To move forward, Nasrulloev'
                ' has called for a major restructuring that would separate investigative bodies'
                ' from the Ministry of Internal Affairs and remove them from prosecutorial '
                'control. He also suggested making district inspectors and patrol officers '
                'accountable to local governments to better address community needs.'
            ),
            (
                'He recommended merging overlapping departments, including criminal '
                'investigations, drug control, and organized crime units, to reduce bureaucracy'
                ' and increase efficiency. Kholmatova highlighted the need for independent '
                'monitoring, greater transparency, and training that follows international '
                'human rights standards.'
            ),
        ),
        topics=('Law Enforcement', 'Human Rights'),
    ),
    SeedArticle(
        title='Kazakhstan Launches Sweeping Reform of Law Enforcement System',
        paragraphs=(
            (
                'President Kassym-Jomart Tokayev has announced a major reform of Kazakhstan’s '
                'law enforcement system, signaling a new phase in his broader political '
                'modernization agenda. Experts view the initiative as a natural progression of '
                'his previous institutional reforms. At an expanded meeting of law enforcement '
                'agencies on June 23, President Tokayev tasked his administration and the '
                'Security Council with conducting a comprehensive analysis of the sector within'
                ' one week.'
            ),
            (
                'The resulting report is expected to openly identify shortcomings and offer '
                "targeted solutions. Tokayev noted that since 2019, Kazakhstan's streets have "
                'become "calmer and safer." Overall, criminal offenses have nearly halved. '
                'Robberies, thefts, and hooliganism have decreased fourfold, and the murder '
                'rate has dropped by 30%.'
            ),
            (
                'Crimes in public places have declined by 80%. The president also highlighted '
                'progress in combating domestic violence. A 2024 law introduced harsher '
                'penalties, contributing to a 30% decrease in crimes against women and children'
                ' in 2025.'
            ),
            (
                'Over five years, crimes violating women’s rights have halved. “The most '
                'important thing is that public awareness is changing. Our citizens show zero '
                'tolerance for cruelty and tyranny in the family. Victims of aggression and '
                'violence receive the necessary support,” Tokayev said.'
            ),
            (
                'Law enforcement agencies also intensified operations against drug-related '
                'crime this year. Eighty-three drug laboratories were dismantled, and drug '
                'seizures rose by 84%.'
            ),
            (
                'Sentences for narcotics production have been strengthened, including the '
                'possibility of life imprisonment. Despite progress, Tokayev acknowledged '
                'persistent gaps that pose risks to national security. The share of the shadow '
                'economy has declined from 23% of GDP in 2019 to 16%.'
            ),
            (
                'While the figure remains high, Tokayev emphasized that the government '
                'continues to support law-abiding entrepreneurs while addressing unjustified '
                'criminal prosecutions of domestic businesses. The president also underscored '
                'that the General Prosecutor’s Office is monitoring hundreds of infrastructure '
                'projects involving foreign investment, totaling 34 trillion tenge ($66 '
                'million). Anti-corruption efforts remain a cornerstone of Tokayev’s agenda.'
            ),
            (
                'Court-ordered funds confiscated from corrupt officials have financed public '
                'infrastructure: over the past three years, 150 billion tenge have been '
                'allocated to build 89 schools. In honor of the 30th anniversary of '
                'Kazakhstan’s Constitution, Tokayev announced an amnesty for more than 15,000 '
                'inmates. The clemency applies primarily to women, minors, and the elderly.'
            ),
            (
                'Excluded are those convicted of corruption, terrorism, extremism, sexual '
                'crimes against minors, and other grave offenses. Tokayev noted several recent '
                'judicial reforms, including the creation of a Constitutional Court, expanded '
                'powers for the human rights commissioner, and the abolition of the death '
                'penalty. The president also advocated for adopting international best '
                'practices in rehabilitating convicts.'
            ),
            (
                '“Their return to normal life will be the best proof of the success of prison '
                'reform,” he said, citing international models where inmates can earn “credits”'
                ' toward early release through good behavior, education, and participation in '
                'cultural and athletic programs. Tokayev called on local entrepreneurs to open '
                'production facilities in correctional institutions.'
            ),
        ),
        topics=('Law Enforcement', 'Reform'),
    ),
    SeedArticle(
        title='Artificial Intelligence to Assist Criminal Investigations in Kazakhstan',
        paragraphs=(
            (
                'Kazakhstan has launched a pilot project to integrate artificial intelligence '
                '(AI) into law enforcement operations. The initiative, titled “Digital '
                'Assistant to the Investigator,” is being implemented by the General '
                'Prosecutor’s Office and the Ministry of Internal Affairs in a district police '
                'department in Astana.'
            ),
            (
                'The system was officially introduced last week, with participation from Sabit '
                'Nurlybay, Chairman of the Committee on Legal Statistics and Special Records of'
                ' the General Prosecutor’s Office, and Sanjar Adilov, Deputy Minister of '
                'Internal Affairs. Built on AI algorithms and large-scale data processing, the '
                'digital assistant is designed to support investigators by identifying '
                'connections between cases, generating predictions, and offering procedural '
                'recommendations both for conducting investigations and preventing crime.'
            ),
            (
                'According to a statement from the Prosecutor General’s Office, the system is '
                'divided into three main modules: Investigation Planning - Upon registration of'
                ' a criminal case, the system classifies the offense, outlines an investigative'
                ' strategy based on existing circumstances, and suggests relevant witnesses to '
                'question and expert examinations to conduct. Testimony Processing - AI '
                'transcribes spoken testimony into text during interviews, simultaneously '
                'analyzing speech patterns and behavior to detect contradictions and '
                'inconsistencies. Document Generation - Based on interview data, the system '
                'drafts investigation documents that the investigator only needs to verify and '
                'sign. The platform also generates final case documents, integrating information'
                ' from the specific investigation along with relevant judicial precedents. '
                'Officials say the AI tool is expected to reduce investigation times and '
                'offload routine technical tasks from investigators.'
            ),
            (
                'The initiative follows Kazakhstan’s unveiling of the most powerful '
                'supercomputer in Central Asia last month, a move aimed at bolstering national '
                'digital infrastructure and AI development. Kazakhstan’s push for AI '
                'integration aligns with findings from the International Monetary Fund, which '
                'last year ranked the country as the regional leader in AI readiness.'
            ),
        ),
        topics=('Artificial Intelligence', 'Law Enforcement'),
    ),
)

RUSSIAN_ARTICLE = SeedArticle(
    title="В Бишкеке открылся фестиваль традиционной музыки «Кел-Кел»",
    paragraphs=(
        (
            "В субботу в Бишкеке открылся ежегодный фестиваль традиционной музыки «Кел-Кел», "
            "который собрал исполнителей из всех областей Кыргызстана, а также гостей из "
            "Казахстана, Узбекистана и Таджикистана."
        ),
        (
            "Организаторы рассказали, что в этом году на сцене филармонии выступят более 40 "
            "коллективов. Главное место в программе отведено комузу и эпическим сказаниям — "
            "отдельный вечер посвящён молодым манасчы."
        ),
        (
            "«Мы хотим, чтобы традиционная музыка звучала не только на праздниках, но и в "
            "повседневной жизни горожан», — отметила директор фестиваля Айгерим Токтосунова."
        ),
        (
            "По данным Министерства культуры, за последние три года число детей, которые "
            "занимаются в музыкальных кружках при домах культуры, выросло почти на 30%."
        ),
        (
            "Фестиваль продлится до 14 декабря. Вход на все концерты свободный, а записи "
            "выступлений будут опубликованы на сайте министерства."
        ),
    ),
    topics=("Music",),
    slug="v-bishkeke-otkrylsya-festival-traditsionnoy-muzyki-kel-kel",
)
