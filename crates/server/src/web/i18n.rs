//! The pages' words in English and Dutch. A page asks for a word by key; a key with no Dutch
//! falls back to English, and an unknown key shows itself, so a missing word is visible in a
//! screenshot rather than a crash.

use axum::http::HeaderMap;

/// A language the pages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Dutch.
    Nl,
}

impl Lang {
    /// Its BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }

    /// Reads `en` or `nl`.
    pub fn parse(tag: &str) -> Option<Lang> {
        match tag.trim().to_ascii_lowercase().get(..2) {
            Some("en") => Some(Lang::En),
            Some("nl") => Some(Lang::Nl),
            _ => None,
        }
    }

    /// The language a request asks for: the `guild_lang` cookie, else the first of
    /// `Accept-Language` that Guild speaks, else English.
    pub fn of(headers: &HeaderMap) -> Lang {
        if let Some(l) = crate::auth::cookie(headers, LANG_COOKIE).and_then(|v| Lang::parse(&v)) {
            return l;
        }
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(',')
                    .filter_map(|part| Lang::parse(part.split(';').next().unwrap_or("")))
                    .next()
            })
            .unwrap_or(Lang::En)
    }
}

/// The cookie that keeps the chosen language.
pub const LANG_COOKIE: &str = "guild_lang";

/// The words of one language, for templates: `{{ t.s("key") }}`.
#[derive(Debug, Clone, Copy)]
pub struct Words(pub Lang);

impl Words {
    /// The word for `key`.
    pub fn s(&self, key: &str) -> &'static str {
        let found = WORDS.iter().find(|(k, _, _)| *k == key);
        match (found, self.0) {
            (Some((_, en, _)), Lang::En) => en,
            (Some((_, en, nl)), Lang::Nl) => {
                if nl.is_empty() {
                    en
                } else {
                    nl
                }
            }
            (None, _) => "[missing word]",
        }
    }

    /// Whether `text` is one of the pages' own words in this language (so not an English
    /// message from the API shown on a Dutch page).
    pub fn is_own(&self, text: &str) -> bool {
        let text = text.trim();
        WORDS.iter().any(|(_, en, nl)| {
            let own = if self.0 == Lang::Nl && !nl.is_empty() {
                nl
            } else {
                en
            };
            !own.is_empty() && text.starts_with(own)
        })
    }

    /// A state's name (of a contract, milestone, proposal, project or task) in the language;
    /// a state with no word shows as it is.
    pub fn state(&self, state: impl std::fmt::Display) -> String {
        let state = state.to_string();
        let key = format!("state_{state}");
        match WORDS.iter().find(|(k, _, _)| *k == key) {
            Some((_, en, nl)) => match self.0 {
                Lang::En => (*en).to_owned(),
                Lang::Nl => (*nl).to_owned(),
            },
            None => state.replace('_', " "),
        }
    }

    /// The language's tag.
    pub fn tag(&self) -> &'static str {
        self.0.tag()
    }
}

/// (key, English, Dutch).
const WORDS: &[(&str, &str, &str)] = &[
    ("app_tagline", "Work by skill", "Werk op vaardigheid"),
    (
        "home_lead",
        "Guild finds the work your skills are needed for, shows what it takes to move into new work, and certifies what you can do in credentials any platform can check.",
        "Guild vindt het werk waarvoor uw vaardigheden nodig zijn, laat zien wat er nodig is om over te stappen naar ander werk, en certificeert wat u kunt met bewijzen die elk platform kan controleren.",
    ),
    ("home_worker", "I am looking for work", "Ik zoek werk"),
    (
        "home_worker_text",
        "Tell Guild about the work you have done. It finds your skills, the work that needs them, and the nearest new trades with the shortest way to learn them.",
        "Vertel Guild over het werk dat u hebt gedaan. Guild vindt uw vaardigheden, het werk dat ze nodig heeft, en de dichtstbijzijnde nieuwe vakken met de kortste weg om ze te leren.",
    ),
    ("home_client", "I have work to do", "Ik heb werk te doen"),
    (
        "home_client_text",
        "Describe a problem. Guild breaks it into tasks, finds the people who can do them, and pays them safely through escrow.",
        "Beschrijf een probleem. Guild deelt het op in taken, vindt de mensen die ze kunnen doen, en betaalt hen veilig via een geblokkeerde rekening.",
    ),
    ("nav_dashboard", "My work", "Mijn werk"),
    ("nav_verify", "Check a credential", "Bewijs controleren"),
    ("sign_in", "Sign in", "Inloggen"),
    ("sign_up", "Create an account", "Account aanmaken"),
    ("sign_out", "Sign out", "Uitloggen"),
    (
        "form_from_other_site",
        "This form was sent from another site's page, so it was refused. Open Guild's own page and try again.",
        "Dit formulier werd verstuurd vanaf de pagina van een andere site en is daarom geweigerd. Open de pagina van Guild zelf en probeer het opnieuw.",
    ),
    (
        "form_control_character",
        "A field holds a control character (such as NUL); remove it and send the form again. The field:",
        "Een veld bevat een stuurteken (zoals NUL); haal het weg en verstuur het formulier opnieuw. Het veld:",
    ),
    ("other_lang", "Nederlands", "English"),
    ("other_lang_tag", "nl", "en"),
    ("email", "E-mail address", "E-mailadres"),
    ("password", "Password", "Wachtwoord"),
    (
        "password_hint",
        "At least 10 characters.",
        "Minstens 10 tekens.",
    ),
    ("display_name", "Your name", "Uw naam"),
    (
        "have_account",
        "Already have an account?",
        "Hebt u al een account?",
    ),
    ("no_account", "New to Guild?", "Nieuw bij Guild?"),
    (
        "problem_title",
        "Something was not right",
        "Er klopte iets niet",
    ),
    (
        "welcome_title",
        "Tell us about your work",
        "Vertel over uw werk",
    ),
    (
        "welcome_lead",
        "Describe the work you have done, in your own words, or load your CV as a text file. Guild finds the skills in it; you confirm them.",
        "Beschrijf het werk dat u hebt gedaan, in uw eigen woorden, of laad uw cv als tekstbestand. Guild vindt de vaardigheden erin; u bevestigt ze.",
    ),
    (
        "your_text",
        "Your work, in your own words",
        "Uw werk, in uw eigen woorden",
    ),
    (
        "your_text_hint",
        "For example: I ran CNC lathes for twelve years, read engineering drawings and trained apprentices.",
        "Bijvoorbeeld: ik heb twaalf jaar cnc-draaibanken bediend, technische tekeningen gelezen en leerlingen opgeleid.",
    ),
    ("cv_file", "Your CV", "Uw cv"),
    ("find_skills", "Find my skills", "Vind mijn vaardigheden"),
    (
        "skills_title",
        "The skills Guild found",
        "De vaardigheden die Guild vond",
    ),
    (
        "skills_lead",
        "Untick what is not right, and set your level: 1 beginner, 3 experienced, 5 expert.",
        "Vink uit wat niet klopt, en kies uw niveau: 1 beginner, 3 ervaren, 5 expert.",
    ),
    ("skill", "Skill", "Vaardigheid"),
    ("level", "Level", "Niveau"),
    ("keep", "Keep", "Houden"),
    ("found_in", "Found in", "Gevonden in"),
    ("level_from", "level from", "niveau uit"),
    (
        "likely_work",
        "Which of these is work you have done?",
        "Welk van deze beroepen hebt u uitgeoefend?",
    ),
    (
        "likely_work_hint",
        "Guild read these from your words. Choose one if it is yours; you can name more, or others, later under \"Where next\".",
        "Guild las deze uit uw woorden. Kies er een als het het uwe is; u kunt er later meer of andere noemen onder \"Waarheen\".",
    ),
    (
        "no_skills_found",
        "Guild found no skills it knows in that text. Say more about what you did, with the tools and materials you used.",
        "Guild vond geen bekende vaardigheden in die tekst. Vertel meer over wat u deed, met de gereedschappen en materialen die u gebruikte.",
    ),
    (
        "hours_per_week",
        "Hours a week you can work",
        "Uren per week dat u kunt werken",
    ),
    (
        "languages",
        "Languages you work in (comma-separated codes, such as en, nl)",
        "Talen waarin u werkt (codes met komma's, zoals nl, en)",
    ),
    ("work_mode", "How you work", "Hoe u werkt"),
    (
        "mode_either",
        "Remote or on site",
        "Op afstand of op locatie",
    ),
    ("mode_remote", "Remote only", "Alleen op afstand"),
    ("mode_on_site", "On site only", "Alleen op locatie"),
    ("save_profile", "Save my profile", "Profiel opslaan"),
    ("dashboard_title", "Your work", "Uw werk"),
    (
        "matches_title",
        "Work that matches you now",
        "Werk dat nu bij u past",
    ),
    ("score", "Match", "Match"),
    ("why", "Why", "Waarom"),
    ("missing", "Still to learn", "Nog te leren"),
    (
        "no_matches",
        "No open work matches your skills yet. New tasks appear here as clients publish them.",
        "Nog geen open werk past bij uw vaardigheden. Nieuwe taken verschijnen hier zodra opdrachtgevers ze publiceren.",
    ),
    (
        "no_profile",
        "You have no profile yet.",
        "U hebt nog geen profiel.",
    ),
    (
        "make_profile",
        "Tell us about your work",
        "Vertel over uw werk",
    ),
    ("your_skills", "Your skills", "Uw vaardigheden"),
    ("considered", "open tasks considered", "open taken bekeken"),
    (
        "verify_title",
        "Check a credential",
        "Een bewijs controleren",
    ),
    (
        "verify_lead",
        "Paste a credential (JSON) or load its file. Guild checks its signature, its issuer, its dates and whether it was revoked, and shows each check.",
        "Plak een bewijs (JSON) of laad het bestand. Guild controleert de handtekening, de uitgever, de data en of het is ingetrokken, en toont elke controle.",
    ),
    (
        "credential_json",
        "The credential (JSON)",
        "Het bewijs (JSON)",
    ),
    ("credential_file", "Or load its file", "Of laad het bestand"),
    ("check", "Check", "Controleren"),
    ("verdict_valid", "Valid", "Geldig"),
    ("verdict_invalid", "Not valid", "Niet geldig"),
    (
        "verdict_unknown",
        "Could not be checked",
        "Kon niet worden gecontroleerd",
    ),
    ("passed", "passed", "geslaagd"),
    ("failed", "failed", "mislukt"),
    ("issuer", "Issuer", "Uitgever"),
    ("your_projects", "Your projects", "Uw projecten"),
    ("tasks", "tasks", "taken"),
    (
        "describe_problem",
        "Describe a problem",
        "Beschrijf een probleem",
    ),
    (
        "describe_problem_lead",
        "Say what needs doing, in plain words, one piece of work per sentence or line. Guild turns it into tasks with the skills each needs; you edit them before anyone sees them.",
        "Zeg wat er moet gebeuren, in gewone woorden, één stuk werk per zin of regel. Guild maakt er taken van met de vaardigheden die elk nodig heeft; u past ze aan voordat iemand ze ziet.",
    ),
    ("project_title", "A short title", "Een korte titel"),
    ("problem", "The problem", "Het probleem"),
    (
        "problem_hint",
        "For example: Count the stock in the warehouse and correct the records. Build a dashboard that shows stock levels.",
        "Bijvoorbeeld: Tel de voorraad in het magazijn en corrigeer de administratie. Bouw een dashboard dat de voorraad toont.",
    ),
    ("make_tasks", "Make tasks of it", "Maak er taken van"),
    (
        "project_needs_both",
        "Give the project a title and describe the problem.",
        "Geef het project een titel en beschrijf het probleem.",
    ),
    ("status", "Status", "Status"),
    (
        "tasks_title",
        "The tasks Guild made",
        "De taken die Guild maakte",
    ),
    (
        "tasks_hint",
        "AI exposure is the share of a task that current AI could do or speed up a lot. Edit a task to change its skills, place, budget, hours and dates; remove what you do not need.",
        "AI-blootstelling is het deel van een taak dat huidige AI zou kunnen doen of sterk versnellen. Bewerk een taak om vaardigheden, plaats, budget, uren en data te wijzigen; verwijder wat u niet nodig hebt.",
    ),
    ("ai_exposure", "AI exposure", "AI-blootstelling"),
    ("on_site", "on site", "op locatie"),
    ("remote", "can be done remotely", "kan op afstand"),
    ("task_title", "Title", "Titel"),
    ("hours", "Hours", "Uren"),
    ("save", "Save", "Opslaan"),
    ("remove", "Remove", "Verwijderen"),
    (
        "find_workers",
        "Workers for this task",
        "Werkers voor deze taak",
    ),
    ("publish", "Publish", "Publiceren"),
    ("audience", "Who sees the tasks", "Wie de taken ziet"),
    (
        "audience_open",
        "Everyone: matched to every worker",
        "Iedereen: gekoppeld aan alle werkers",
    ),
    (
        "audience_invited",
        "Only workers I invite",
        "Alleen werkers die ik uitnodig",
    ),
    (
        "back_to_project",
        "Back to the project",
        "Terug naar het project",
    ),
    (
        "workers_title",
        "Workers who match, with why",
        "Werkers die passen, met waarom",
    ),
    (
        "no_workers",
        "No worker matches this task yet.",
        "Nog geen werker past bij deze taak.",
    ),
    ("milestone", "Milestone", "Mijlpaal"),
    ("price", "Price", "Prijs"),
    ("currency", "Currency", "Valuta"),
    ("offer_contract", "Offer a contract", "Contract aanbieden"),
    ("escrow", "In escrow", "Geblokkeerd"),
    ("milestones", "Milestones", "Mijlpalen"),
    (
        "worker_receives",
        "The worker receives",
        "De werker ontvangt",
    ),
    ("actions", "Actions", "Acties"),
    ("act_fund", "Fund", "Financieren"),
    ("act_submit", "Submit the work", "Werk indienen"),
    ("act_approve", "Approve and pay", "Goedkeuren en betalen"),
    ("act_changes", "Ask for changes", "Wijzigingen vragen"),
    ("act_accept", "Accept", "Accepteren"),
    ("act_decline", "Decline", "Weigeren"),
    ("act_cancel", "Cancel the contract", "Contract annuleren"),
    (
        "you_are_client",
        "You are the client",
        "U bent de opdrachtgever",
    ),
    ("you_are_worker", "You are the worker", "U bent de werker"),
    ("you", "You", "U"),
    ("the_worker", "The worker", "De werker"),
    ("the_client", "The client", "De opdrachtgever"),
    ("review_title", "Review the worker", "Beoordeel de werker"),
    ("rating", "Stars", "Sterren"),
    (
        "review_text",
        "What you say about the work",
        "Wat u over het werk zegt",
    ),
    ("send_review", "Send the review", "Beoordeling versturen"),
    ("messages", "Messages", "Berichten"),
    ("write_message", "Write a message", "Schrijf een bericht"),
    ("send", "Send", "Versturen"),
    ("contracts", "Your contracts", "Uw contracten"),
    ("as_client", "you are the client", "u bent de opdrachtgever"),
    ("as_worker", "you are the worker", "u bent de werker"),
    ("money", "Money", "Geld"),
    ("earnings", "Earnings", "Verdiensten"),
    (
        "client_funds",
        "Funds for your projects",
        "Tegoed voor uw projecten",
    ),
    (
        "payouts_pending",
        "Payouts on their way",
        "Uitbetalingen onderweg",
    ),
    (
        "transitions_title",
        "Where your skills can take you",
        "Waar uw vaardigheden u kunnen brengen",
    ),
    (
        "transitions_lead",
        "The occupations nearest to yours, by the skills, activities and tools they share. Choose one to see the gap and the shortest way to close it.",
        "De beroepen die het dichtst bij het uwe liggen, naar de vaardigheden, activiteiten en gereedschappen die ze delen. Kies er een om het verschil te zien en de kortste weg om het te overbruggen.",
    ),
    (
        "map_title",
        "Map of your nearest transitions",
        "Kaart van uw dichtstbijzijnde overstappen",
    ),
    (
        "map_desc",
        "You are in the middle; nearer occupations are closer to the middle, bigger circles have more open work on Guild, and the colour shows how much of the work AI could do.",
        "U staat in het midden; nabije beroepen staan dichter bij het midden, grotere cirkels hebben meer open werk op Guild, en de kleur toont hoeveel van het werk AI zou kunnen doen.",
    ),
    ("ai_low", "little AI exposure", "weinig AI-blootstelling"),
    ("ai_mid", "some", "enige"),
    ("ai_high", "much", "veel"),
    ("ai_unknown", "not known", "onbekend"),
    (
        "map_key",
        "closer to the middle is nearer; bigger has more open work",
        "dichter bij het midden is nabijer; groter heeft meer open werk",
    ),
    (
        "transitions_table",
        "The same, as a table",
        "Hetzelfde, als tabel",
    ),
    ("occupation", "Occupation", "Beroep"),
    ("starting_from", "Starting from", "Vertrekpunt"),
    (
        "you_named",
        "you have done this work",
        "dit werk hebt u gedaan",
    ),
    (
        "guessed",
        "This is Guild's guess from your skills. Is it your work? Confirm it, or find the work you have done below.",
        "Dit is Guilds schatting op basis van uw vaardigheden. Is het uw werk? Bevestig het, of zoek hieronder het werk dat u hebt gedaan.",
    ),
    (
        "no_start",
        "Guild cannot tell yet which work you come from. Find the work you have done below.",
        "Guild weet nog niet uit welk werk u komt. Zoek hieronder het werk dat u hebt gedaan.",
    ),
    (
        "confirm_occupation",
        "Yes, I have done this work",
        "Ja, dit werk heb ik gedaan",
    ),
    ("find_occupation", "Find an occupation", "Zoek een beroep"),
    (
        "find_occupation_hint",
        "Look up work you have done, to start from it, or any work you would like to do, to see the way there. O*NET and ESCO are both searched.",
        "Zoek werk dat u hebt gedaan, om daarvan uit te gaan, of werk dat u zou willen doen, om de weg erheen te zien. Er wordt in O*NET en ESCO gezocht.",
    ),
    ("search", "Search", "Zoeken"),
    ("i_did_this", "I have done this", "Dit heb ik gedaan"),
    ("way_there", "The way there", "De weg erheen"),
    ("already_yours", "one of yours", "een van de uwe"),
    ("find_none", "No occupation matches", "Geen beroep past bij"),
    (
        "find_empty",
        "Type a word from the occupation's title.",
        "Typ een woord uit de naam van het beroep.",
    ),
    (
        "find_short",
        "Type at least two letters.",
        "Typ minstens twee letters.",
    ),
    ("from_start", "From", "Vanuit"),
    ("taxonomy", "Taxonomy", "Taxonomie"),
    ("closeness", "Closeness", "Nabijheid"),
    ("gap", "Gap", "Verschil"),
    ("remote_share", "Remote work", "Werk op afstand"),
    ("open_work", "Open tasks", "Open taken"),
    ("to_learn", "to learn", "te leren"),
    ("path_to", "The way to", "De weg naar"),
    (
        "trainers_title",
        "People on Guild who teach these skills",
        "Mensen op Guild die les geven in deze vaardigheden",
    ),
    (
        "no_trainers",
        "No one on Guild offers to teach these skills yet.",
        "Nog niemand op Guild biedt les aan in deze vaardigheden.",
    ),
    (
        "teaches_remotely",
        "teaches remotely",
        "geeft les op afstand",
    ),
    (
        "teaching_title",
        "Teach what you know",
        "Leer anderen wat u kunt",
    ),
    (
        "teach_none",
        "Skills you hold at level 4 or more can be taught to others here.",
        "Vaardigheden die u op niveau 4 of hoger beheerst, kunt u hier aan anderen leren.",
    ),
    ("teach_skill", "Skill", "Vaardigheid"),
    (
        "teach_rate",
        "Hourly rate and currency (empty: free)",
        "Uurtarief en valuta (leeg: gratis)",
    ),
    (
        "teach_note",
        "A word about your teaching",
        "Iets over uw lessen",
    ),
    ("teach_offer", "Offer to teach", "Bied les aan"),
    ("more_tools_before", "And", "En"),
    (
        "more_tools_after",
        "more technologies this work uses: learn them as the work asks for them.",
        "andere technologieën die dit werk gebruikt: leer ze wanneer het werk erom vraagt.",
    ),
    (
        "rated_from",
        "The taxonomy rates no skills for this occupation; the skill levels shown are those of the nearest rated occupation by its work:",
        "De taxonomie geeft voor dit beroep geen vaardigheidsniveaus; de getoonde niveaus zijn die van het beroep dat er naar het werk het dichtst bij ligt:",
    ),
    (
        "gap_title",
        "What you have and what is needed",
        "Wat u hebt en wat nodig is",
    ),
    (
        "gap_desc",
        "For each skill still missing, a bar for the level needed and a bar for the level you have, from 0 to 5.",
        "Voor elke vaardigheid die nog ontbreekt, een balk voor het nodige niveau en een balk voor uw niveau, van 0 tot 5.",
    ),
    ("need", "needed", "nodig"),
    ("have", "you have", "u hebt"),
    (
        "no_gap",
        "You already have what this work needs.",
        "U hebt al wat dit werk vraagt.",
    ),
    ("carried_over", "What carries over", "Wat u meeneemt"),
    (
        "plan_title",
        "The shortest way to learn it",
        "De kortste leerweg",
    ),
    (
        "no_plan",
        "No course or test in the catalogue teaches these skills yet.",
        "Nog geen cursus of toets in de catalogus leert deze vaardigheden.",
    ),
    ("closes", "teaches", "leert"),
    ("total_hours", "Time in all", "Tijd in totaal"),
    (
        "uncovered",
        "Not taught by anything in the catalogue",
        "Door niets in de catalogus onderwezen",
    ),
    (
        "bridge_title",
        "Work you can take now that builds the way",
        "Werk dat u nu kunt doen en de weg bouwt",
    ),
    (
        "no_bridge",
        "No open task builds these skills at the moment.",
        "Op dit moment bouwt geen open taak deze vaardigheden.",
    ),
    ("practises", "practises", "oefent"),
    (
        "doable_title",
        "Tasks of this work you can already do",
        "Taken van dit werk die u al kunt",
    ),
    ("nav_transitions", "Where next", "Waarheen"),
    ("wallet_title", "Your credentials", "Uw bewijzen"),
    (
        "wallet_lead",
        "Your certified skills, as W3C Verifiable Credentials (Open Badges 3.0) that any platform can check without asking Guild.",
        "Uw gecertificeerde vaardigheden, als W3C Verifiable Credentials (Open Badges 3.0) die elk platform kan controleren zonder Guild te vragen.",
    ),
    ("share_title", "Your public profile", "Uw openbare profiel"),
    (
        "shared_at",
        "Anyone can see your skills and check your credentials at",
        "Iedereen kan uw vaardigheden zien en uw bewijzen controleren op",
    ),
    (
        "not_shared",
        "Your profile is private.",
        "Uw profiel is privé.",
    ),
    ("share_profile", "Share my profile", "Mijn profiel delen"),
    ("stop_sharing", "Stop sharing", "Niet meer delen"),
    ("issued_by_guild", "Issued on Guild", "Uitgegeven op Guild"),
    ("none_yet", "None yet.", "Nog geen."),
    ("revoked", "revoked", "ingetrokken"),
    ("download", "Download", "Downloaden"),
    (
        "imported_title",
        "Brought from elsewhere",
        "Van elders meegebracht",
    ),
    ("valid_until", "valid until", "geldig tot"),
    (
        "import_title",
        "Bring a credential",
        "Een bewijs meebrengen",
    ),
    (
        "import_lead",
        "Paste or load a credential another platform issued you. Guild checks it first; if it is valid, its skills join your profile, marked with the issuer.",
        "Plak of laad een bewijs dat een ander platform u gaf. Guild controleert het eerst; als het geldig is, komen de vaardigheden op uw profiel, met de uitgever erbij.",
    ),
    ("import", "Check and bring it", "Controleren en meebrengen"),
    ("skills_and_levels", "Skills", "Vaardigheden"),
    ("evidence", "Evidence", "Bewijs"),
    ("credentials_title", "Credentials", "Bewijzen"),
    (
        "credentials_public_lead",
        "Each can be checked here, or by any other verifier.",
        "Elk kan hier worden gecontroleerd, of door elke andere controleur.",
    ),
    ("nav_credentials", "Credentials", "Bewijzen"),
    ("tests_title", "Skill tests", "Vaardigheidstoetsen"),
    (
        "tests_lead",
        "Show what you can do. Each attempt draws its own questions and has a time limit; a pass gives you the organisation's credential, which any platform can check.",
        "Laat zien wat u kunt. Elke poging trekt eigen vragen en heeft een tijdslimiet; wie slaagt, krijgt het bewijs van de organisatie, dat elk platform kan controleren.",
    ),
    (
        "no_tests",
        "No tests have been set yet.",
        "Er zijn nog geen toetsen.",
    ),
    (
        "your_skill",
        "one of your skills",
        "een van uw vaardigheden",
    ),
    ("questions", "questions", "vragen"),
    ("pass_at", "pass at", "geslaagd vanaf"),
    ("take_test", "Take the test", "Toets maken"),
    ("attempt_title", "Your test", "Uw toets"),
    ("hand_in_by", "Hand in by", "Inleveren voor"),
    ("your_answer", "Your answer", "Uw antwoord"),
    ("hand_in", "Hand in", "Inleveren"),
    ("test_passed", "Passed", "Geslaagd"),
    (
        "test_failed",
        "Not passed this time",
        "Deze keer niet geslaagd",
    ),
    (
        "test_awaiting",
        "Waiting for an assessor",
        "Wacht op een beoordelaar",
    ),
    (
        "see_credential",
        "See your new credential",
        "Bekijk uw nieuwe bewijs",
    ),
    ("nav_tests", "Tests", "Toetsen"),
    ("your_proposals", "Your proposals", "Uw voorstellen"),
    ("contract", "Contract", "Contract"),
    ("apply", "Apply", "Reageren"),
    ("cover", "Why you, and how", "Waarom u, en hoe"),
    ("send_proposal", "Send the proposal", "Voorstel versturen"),
    ("no_fee", "Applying is free.", "Reageren is gratis."),
    ("proposals_title", "Proposals", "Voorstellen"),
    ("invite", "Invite to apply", "Uitnodigen om te reageren"),
    (
        "hourly_rate",
        "Your hourly rate and its currency (optional)",
        "Uw uurtarief en de valuta (niet verplicht)",
    ),
    ("propose_team", "Propose a team", "Stel een team voor"),
    ("team_title", "A team for", "Een team voor"),
    (
        "team_lead",
        "The cheapest group of workers who together cover the project's skills, from those who state a rate in euros.",
        "De goedkoopste groep werkers die samen de vaardigheden van het project dekken, uit wie een tarief in euro opgeeft.",
    ),
    ("team_total", "The team costs", "Het team kost"),
    (
        "team_exact",
        "the cheapest possible",
        "de goedkoopst mogelijke",
    ),
    (
        "team_near",
        "close to the cheapest",
        "dicht bij de goedkoopste",
    ),
    (
        "unheld_title",
        "No one on Guild holds these skills yet:",
        "Niemand op Guild heeft deze vaardigheden nog:",
    ),
    (
        "unheld_hint",
        "The team below covers the rest. Publish the tasks so that new workers can apply, or invite someone to learn them (their way there is under \"Where next\").",
        "Het team hieronder dekt de rest. Publiceer de taken zodat nieuwe werkers kunnen reageren, of nodig iemand uit om ze te leren (de weg erheen staat onder \"Waarheen\").",
    ),
    (
        "no_team",
        "No team can be formed yet",
        "Er kan nog geen team worden gevormd",
    ),
    ("worker_col", "Worker", "Werker"),
    ("state_proposed", "proposed", "voorgesteld"),
    ("state_declined", "declined", "geweigerd"),
    ("state_active", "active", "lopend"),
    ("state_disputed", "disputed", "betwist"),
    ("state_completed", "completed", "afgerond"),
    ("state_cancelled", "cancelled", "geannuleerd"),
    ("state_unfunded", "not funded", "niet gefinancierd"),
    ("state_funded", "funded", "gefinancierd"),
    ("state_submitted", "submitted", "ingediend"),
    (
        "state_changes_requested",
        "changes asked",
        "wijzigingen gevraagd",
    ),
    (
        "state_approved",
        "approved and paid",
        "goedgekeurd en betaald",
    ),
    ("state_refunded", "refunded", "terugbetaald"),
    ("state_settled", "settled", "geschikt"),
    ("state_open", "open", "open"),
    ("state_accepted", "accepted", "aanvaard"),
    ("state_withdrawn", "withdrawn", "ingetrokken"),
    ("state_draft", "draft", "concept"),
    ("state_published", "published", "gepubliceerd"),
    (
        "state_invited",
        "published to invited workers",
        "gepubliceerd voor genodigden",
    ),
    ("state_closed", "closed", "gesloten"),
    ("none_of_these", "None of these", "Geen van deze"),
    (
        "act_dispute",
        "Open a dispute (a platform admin decides)",
        "Geschil openen (een platformbeheerder beslist)",
    ),
    // The task editor.
    ("edit_task", "Edit task", "Taak bewerken"),
    (
        "find_skill",
        "Find a skill to add",
        "Zoek een vaardigheid om toe te voegen",
    ),
    (
        "find_skill_hint",
        "Search the taxonomy by a word of the skill; tick what you find and save.",
        "Zoek in de taxonomie op een woord uit de vaardigheid; vink aan wat u vindt en sla op.",
    ),
    (
        "find_skill_none",
        "No skill matches",
        "Geen vaardigheid past bij",
    ),
    (
        "find_skill_empty",
        "Type a word from the skill's name.",
        "Typ een woord uit de naam van de vaardigheid.",
    ),
    ("task_skills", "Skills", "Vaardigheden"),
    (
        "task_skills_hint",
        "Untick a skill to drop it. A required skill must be held at the minimum level; an optional one only helps. A higher weight counts more.",
        "Vink een vaardigheid uit om haar te schrappen. Een vereiste vaardigheid moet men op het minimumniveau beheersen; een optionele helpt alleen. Een hoger gewicht telt zwaarder.",
    ),
    ("needed", "Needed", "Nodig"),
    ("min_level", "Minimum level (1–5)", "Minimumniveau (1–5)"),
    ("weight", "Weight", "Gewicht"),
    ("required", "required", "vereist"),
    ("optional", "optional", "optioneel"),
    ("description", "Description", "Beschrijving"),
    (
        "where_done",
        "Where the work is done",
        "Waar het werk gebeurt",
    ),
    (
        "presence_remote",
        "Remotely, from anywhere",
        "Op afstand, vanaf elke plek",
    ),
    (
        "presence_on_site",
        "On site, at this place",
        "Op locatie, op deze plek",
    ),
    ("latitude", "Latitude", "Breedtegraad"),
    ("longitude", "Longitude", "Lengtegraad"),
    (
        "place_hint",
        "For work on site: the place's coordinates (Rotterdam is 51.92, 4.48). Workers within their travel radius are matched.",
        "Voor werk op locatie: de coördinaten van de plek (Rotterdam is 51.92, 4.48). Werkers binnen hun reisafstand komen in aanmerking.",
    ),
    ("hours_total", "Hours in all", "Uren in totaal"),
    (
        "hours_a_week",
        "Hours a week (optional)",
        "Uren per week (optioneel)",
    ),
    ("budget", "Budget", "Budget"),
    ("starts", "Starts", "Begint"),
    ("ends", "Ends", "Eindigt"),
    (
        "task_languages",
        "Languages the worker must speak",
        "Talen die de werker moet spreken",
    ),
    (
        "task_languages_hint",
        "Codes separated by commas, such as en, nl.",
        "Codes gescheiden door komma's, zoals en, nl.",
    ),
    ("remove_task", "Remove this task", "Deze taak verwijderen"),
    ("on_site_at", "at", "op"),
    // Money: the person's page and the admin's reconciliation.
    ("nav_money", "Money", "Geld"),
    (
        "money_link",
        "Add money or withdraw it",
        "Geld toevoegen of opnemen",
    ),
    ("money_title", "Your money", "Uw geld"),
    ("balances", "Balances", "Saldo's"),
    ("no_money_yet", "No money yet.", "Nog geen geld."),
    ("other_money", "Other", "Overig"),
    ("add_money", "Add money", "Geld toevoegen"),
    (
        "add_money_lead",
        "Money for your projects comes in by bank transfer. Say how much you will send (or leave it open) and Guild gives you a reference; quote it exactly on the transfer. The money shows here as funds for your projects once it reaches Guild's bank account, usually within a working day.",
        "Geld voor uw projecten komt binnen per bankoverschrijving. Zeg hoeveel u stuurt (of laat het open) en Guild geeft u een kenmerk; vermeld het precies zo bij de overschrijving. Het geld staat hier als tegoed voor uw projecten zodra het op Guilds bankrekening is, meestal binnen een werkdag.",
    ),
    ("amount", "Amount", "Bedrag"),
    ("any_amount", "any amount in", "elk bedrag in"),
    ("get_reference", "Get a reference", "Kenmerk aanvragen"),
    (
        "transfer_to_guild",
        "Bank transfer to Guild",
        "Overschrijving naar Guild",
    ),
    ("to_account", "To account", "Naar rekening"),
    ("reference", "Reference", "Kenmerk"),
    ("made_on", "Date", "Datum"),
    (
        "bank_not_set",
        "This Guild has not named its bank account yet: ask its operator where to send the transfer, and quote the reference.",
        "Deze Guild heeft nog geen bankrekening opgegeven: vraag de beheerder waarheen u het geld overmaakt, en vermeld het kenmerk.",
    ),
    (
        "reference_hint",
        "Quote the reference exactly, with nothing else in the description; you may use it again for later transfers.",
        "Vermeld het kenmerk precies, zonder andere tekst in de omschrijving; u kunt het ook voor latere overschrijvingen gebruiken.",
    ),
    ("withdraw", "Withdraw to your bank", "Opnemen naar uw bank"),
    (
        "withdraw_lead",
        "The amount leaves your balance at once and goes out in Guild's next payment run to the account you name.",
        "Het bedrag gaat meteen van uw saldo af en wordt bij de volgende betaalronde van Guild overgemaakt naar de rekening die u opgeeft.",
    ),
    ("withdraw_from", "From", "Van"),
    (
        "withdraw_from_which",
        "Choose earnings or funds for your projects.",
        "Kies verdiensten of tegoed voor uw projecten.",
    ),
    (
        "iban_needed",
        "IBAN: give the account to pay to.",
        "IBAN: geef de rekening op waarnaar betaald wordt.",
    ),
    ("beneficiary", "Account holder", "Rekeninghouder"),
    ("withdraw_button", "Withdraw", "Opnemen"),
    ("your_payouts", "Your withdrawals", "Uw opnames"),
    ("payment_open", "waiting for the bank", "wacht op de bank"),
    ("payment_settled", "paid out", "uitbetaald"),
    (
        "payment_returned",
        "returned by the bank",
        "teruggeboekt door de bank",
    ),
    (
        "payment_reference",
        "reference to quote",
        "kenmerk om te vermelden",
    ),
    ("statement", "Statement", "Afschrift"),
    ("what", "What", "Wat"),
    (
        "admin_only",
        "This page is for the platform's administrators.",
        "Deze pagina is voor de beheerders van het platform.",
    ),
    ("account", "account", "account"),
    ("who", "Who", "Wie"),
    (
        "reconcile_title",
        "Payments: reconciliation",
        "Betalingen: afstemming",
    ),
    (
        "reconcile_lead",
        "Read in the bank's statement: transfers quoting a deposit reference are credited to that client's funds, payouts are confirmed or returned. A line read before changes nothing, so reading a statement twice is safe. What Guild cannot place is listed for you.",
        "Lees het afschrift van de bank in: overschrijvingen met een stortingskenmerk worden bijgeschreven op het tegoed van die opdrachtgever, opnames bevestigd of teruggeboekt. Een regel die al gelezen is verandert niets, dus een afschrift twee keer lezen kan geen kwaad. Wat Guild niet kan plaatsen, staat hieronder voor u.",
    ),
    (
        "statement_read",
        "The statement was read",
        "Het afschrift is gelezen",
    ),
    (
        "deposits_credited",
        "Deposits credited",
        "Stortingen bijgeschreven",
    ),
    (
        "payouts_confirmed",
        "Payouts confirmed",
        "Opnames bevestigd",
    ),
    (
        "payouts_returned",
        "Payouts returned",
        "Opnames teruggeboekt",
    ),
    (
        "lines_read_before",
        "Lines read before",
        "Regels die al gelezen waren",
    ),
    (
        "lines_for_a_person",
        "Lines for a person to look at",
        "Regels om zelf te bekijken",
    ),
    (
        "read_statement",
        "Read a bank statement",
        "Een bankafschrift inlezen",
    ),
    (
        "statement_format",
        "CSV with a header line: bank_id,date,amount,currency,reference,counterparty,note (amount negative for money out).",
        "CSV met een kopregel: bank_id,date,amount,currency,reference,counterparty,note (bedrag negatief voor geld dat uitgaat).",
    ),
    ("bank_statement", "The statement", "Het afschrift"),
    (
        "statement_file",
        "…or choose the file",
        "…of kies het bestand",
    ),
    ("read_it", "Read it", "Inlezen"),
    (
        "payouts_waiting",
        "Payouts waiting for the bank",
        "Opnames die op de bank wachten",
    ),
    (
        "payout_file",
        "Download the payout file",
        "Het betaalbestand downloaden",
    ),
    (
        "deposit_references",
        "Deposit references",
        "Stortingskenmerken",
    ),
    // Hourly contracts.
    (
        "offer_hourly",
        "…or offer an hourly contract",
        "…of bied een contract per uur aan",
    ),
    ("rate_per_hour", "Rate per hour", "Tarief per uur"),
    ("weekly_cap", "Most hours a week", "Hoogstens uren per week"),
    ("per_hour", "an hour", "per uur"),
    ("at_most", "at most", "hoogstens"),
    ("hours_a_week_short", "h a week", "u per week"),
    ("weeks", "Weeks", "Weken"),
    ("week_of", "Week of", "Week van"),
    ("fund_week", "Fund this week", "Deze week financieren"),
    (
        "fund_week_hint",
        "The rate times the weekly cap goes into escrow for the week (a Monday). When the worker submits the week, you approve it: the hours logged are paid and the rest comes back to you.",
        "Het tarief maal het weekmaximum gaat voor die week (een maandag) in depot. Als de werker de week indient, keurt u haar goed: de gewerkte uren worden betaald en de rest komt bij u terug.",
    ),
    (
        "no_weeks",
        "No week funded yet.",
        "Nog geen week gefinancierd.",
    ),
    ("logged", "Logged", "Geschreven"),
    ("billed", "Billed", "Gefactureerd"),
    ("day", "Day", "Dag"),
    ("what_you_did", "What you did", "Wat u deed"),
    ("save_timesheet", "Save the timesheet", "Urenstaat opslaan"),
    ("act_end", "End the contract", "Het contract beëindigen"),
    ("mon", "Mon", "ma"),
    ("tue", "Tue", "di"),
    ("wed", "Wed", "wo"),
    ("thu", "Thu", "do"),
    ("fri", "Fri", "vr"),
    ("sat", "Sat", "za"),
    ("sun", "Sun", "zo"),
    // The inbox.
    ("nav_inbox", "Inbox", "Berichten"),
    ("inbox_title", "Inbox", "Berichten"),
    ("inbox_all_read", "Nothing new.", "Niets nieuws."),
    ("inbox_unread", "new", "nieuw"),
    (
        "inbox_empty",
        "Nothing has happened yet: invitations, proposals and contract news arrive here.",
        "Er is nog niets gebeurd: uitnodigingen, voorstellen en nieuws over contracten komen hier binnen.",
    ),
    (
        "mark_all_read",
        "Mark all as read",
        "Alles als gelezen markeren",
    ),
    ("new", "new", "nieuw"),
    ("note_invitation", "Invitation", "Uitnodiging"),
    ("note_proposal", "Proposal", "Voorstel"),
    ("note_review", "Review", "Beoordeling"),
    ("note_message", "Message", "Bericht"),
    ("note_contract", "Contract", "Contract"),
    ("note_account", "Account", "Account"),
    ("note_other", "Notice", "Melding"),
    ("inbox_link", "new in your inbox", "nieuw in uw berichten"),
    // Organisations: members, keys, skill tests, assessing.
    ("nav_organisations", "Organisations", "Organisaties"),
    ("orgs_title", "Your organisations", "Uw organisaties"),
    (
        "orgs_lead",
        "An organisation (a college, a trade body, an employer) sets skill tests, has its assessors mark practical work, and certifies skills in its own name.",
        "Een organisatie (een school, een branchevereniging, een werkgever) stelt vaardigheidstoetsen op, laat haar beoordelaars praktijkwerk nakijken en certificeert vaardigheden op eigen naam.",
    ),
    (
        "orgs_none",
        "You are in no organisation yet.",
        "U hoort nog bij geen organisatie.",
    ),
    (
        "org_new",
        "Start an organisation",
        "Een organisatie beginnen",
    ),
    ("org_name", "Name", "Naam"),
    (
        "org_slug",
        "Short name in web addresses",
        "Korte naam in webadressen",
    ),
    (
        "org_slug_hint",
        "2 to 40 lower-case letters, digits and dashes, such as rotterdam-tech.",
        "2 tot 40 kleine letters, cijfers en streepjes, zoals rotterdam-tech.",
    ),
    ("org_url", "Web site (optional)", "Website (optioneel)"),
    ("org_create", "Start it", "Beginnen"),
    ("role", "Role", "Rol"),
    ("role_admin", "admin", "beheerder"),
    ("role_assessor", "assessor", "beoordelaar"),
    (
        "not_a_member",
        "This page is for the organisation's admins and assessors.",
        "Deze pagina is voor de beheerders en beoordelaars van de organisatie.",
    ),
    (
        "admins_only",
        "Only the organisation's admins may do this.",
        "Alleen de beheerders van de organisatie mogen dit.",
    ),
    (
        "nothing_here",
        "There is nothing here, or it is not yours.",
        "Hier is niets, of het is niet van u.",
    ),
    (
        "awaiting_title",
        "Practical work to mark",
        "Praktijkwerk om na te kijken",
    ),
    (
        "awaiting_none",
        "Nothing waits to be marked.",
        "Er wacht niets om nagekeken te worden.",
    ),
    (
        "not_own_attempt",
        "This is your own attempt: another assessor marks it.",
        "Dit is uw eigen poging: een andere beoordelaar kijkt haar na.",
    ),
    ("no_answer", "(nothing handed in)", "(niets ingeleverd)"),
    ("shows_skill", "Shows the skill", "Toont de vaardigheid"),
    ("not_yet", "Not yet", "Nog niet"),
    ("save_marks", "Save the marks", "Beoordeling opslaan"),
    ("org_tests", "Skill tests", "Vaardigheidstoetsen"),
    (
        "test_new",
        "Set a skill test",
        "Een vaardigheidstoets opstellen",
    ),
    ("test_title", "Title", "Titel"),
    ("test_skill", "Skill", "Vaardigheid"),
    (
        "test_skill_hint",
        "Its name as the taxonomy has it, or its id.",
        "Haar naam zoals in de taxonomie, of haar id.",
    ),
    (
        "no_such_skill",
        "No skill has exactly this name or id",
        "Geen vaardigheid heeft precies deze naam of id",
    ),
    ("per_attempt", "Questions per attempt", "Vragen per poging"),
    ("pass_percent", "Percent to pass", "Procent om te slagen"),
    ("time_limit", "Minutes allowed", "Toegestane minuten"),
    (
        "cooldown",
        "Hours before a retry",
        "Uren voor een nieuwe poging",
    ),
    ("test_bank", "The questions", "De vragen"),
    (
        "test_bank_hint",
        "One question per block. Start it with “? ” and the question; then “* ” for a right option and “- ” for a wrong one, or “= ” for an accepted answer, or “~ ” for a pattern. “! ” and a text is a practical task an assessor marks.",
        "Eén vraag per blok. Begin met “? ” en de vraag; dan “* ” voor een goed antwoord en “- ” voor een fout, of “= ” voor een geaccepteerd antwoord, of “~ ” voor een patroon. “! ” met een tekst is een praktijkopdracht die een beoordelaar nakijkt.",
    ),
    ("test_create", "Set the test", "Toets opstellen"),
    ("org_members", "Members", "Leden"),
    ("member_set", "Add or change", "Toevoegen of wijzigen"),
    ("org_keys", "Signing keys", "Ondertekeningssleutels"),
    (
        "org_no_key",
        "No key yet: the organisation cannot certify until it has one.",
        "Nog geen sleutel: de organisatie kan pas certificeren als ze er een heeft.",
    ),
    ("retired", "retired", "buiten gebruik sinds"),
    ("signing_now", "signs now", "ondertekent nu"),
    ("key_make", "Make a signing key", "Een sleutel maken"),
    ("key_rotate", "Make a new key", "Een nieuwe sleutel maken"),
    (
        "key_hint",
        "An older key stays published, so what it signed still verifies.",
        "Een oudere sleutel blijft gepubliceerd, dus wat ze ondertekende blijft controleerbaar.",
    ),
    // CVs as files.
    ("cv_title", "Or send your CV", "Of stuur uw cv"),
    (
        "cv_hint",
        "PDF, Word (.docx) or plain text, up to 5 MB. Guild reads the text in it; nothing in the file runs.",
        "PDF, Word (.docx) of platte tekst, tot 5 MB. Guild leest de tekst erin; niets in het bestand wordt uitgevoerd.",
    ),
    ("cv_read", "Read my CV", "Lees mijn cv"),
    (
        "cv_too_large",
        "The file is over 5 MB: save a smaller copy (without pictures) or paste the text.",
        "Het bestand is groter dan 5 MB: sla een kleinere kopie op (zonder afbeeldingen) of plak de tekst.",
    ),
    (
        "cv_empty",
        "No file came with the form: choose your CV and send it again.",
        "Er kwam geen bestand mee: kies uw cv en stuur het opnieuw.",
    ),
    (
        "cv_unsupported",
        "Guild reads PDF, Word (.docx) and plain text: save your CV as one of those and try again.",
        "Guild leest PDF, Word (.docx) en platte tekst: sla uw cv zo op en probeer het opnieuw.",
    ),
    (
        "cv_encrypted",
        "The PDF is protected with a password: save a copy without one (or as plain text) and try again.",
        "De pdf is beveiligd met een wachtwoord: sla een kopie zonder wachtwoord op (of als platte tekst) en probeer het opnieuw.",
    ),
    (
        "cv_malformed",
        "The file is damaged or not what its name says",
        "Het bestand is beschadigd of niet wat de naam zegt",
    ),
    (
        "cv_no_text",
        "The file has no text in it (a scan or a picture?): Guild reads typed text; paste the text instead.",
        "Het bestand bevat geen tekst (een scan of afbeelding?): Guild leest getypte tekst; plak de tekst in plaats daarvan.",
    ),
    // Booking a trainer from a path.
    ("book_training", "Book a training", "Een training boeken"),
    ("book_hours", "Hours", "Uren"),
    (
        "book_button",
        "Propose the training",
        "Training voorstellen",
    ),
    (
        "book_hint",
        "This proposes a contract: the trainer accepts it, you fund it into escrow, and it is paid when you approve the training.",
        "Dit stelt een contract voor: de trainer aanvaardt het, u stort het bedrag in depot, en het wordt betaald als u de training goedkeurt.",
    ),
    (
        "book_hours_bad",
        "Hours: a whole number from 1 to 200",
        "Uren: een geheel getal van 1 tot 200",
    ),
    (
        "book_no_offer",
        "This person does not offer to teach that skill (any more).",
        "Deze persoon biedt (niet meer) aan die vaardigheid te onderwijzen.",
    ),
    (
        "book_yourself",
        "You cannot book yourself as your trainer.",
        "U kunt uzelf niet als trainer boeken.",
    ),
    ("training_in", "Training", "Training"),
    ("of_training", "of training", "training"),
    // The team page's suggestions for skills nobody holds.
    ("unheld_near", "Nearest workers", "Dichtstbijzijnde werkers"),
    ("unheld_courses", "Courses", "Cursussen"),
    // Error pages: a lead by the kind of trouble, the detail below it.
    (
        "problem_400",
        "Something in what was sent is not right.",
        "Iets in wat u stuurde klopt niet.",
    ),
    (
        "problem_403",
        "This is not open to you.",
        "Dit staat niet voor u open.",
    ),
    (
        "problem_404",
        "There is nothing here, or it is not yours.",
        "Hier is niets, of het is niet van u.",
    ),
    (
        "problem_409",
        "This cannot be done now.",
        "Dit kan nu niet.",
    ),
    (
        "problem_413",
        "What was sent is too large.",
        "Wat u stuurde is te groot.",
    ),
    (
        "problem_429",
        "Too many requests: wait a moment and try again.",
        "Te veel verzoeken: wacht even en probeer het opnieuw.",
    ),
    (
        "problem_500",
        "Something went wrong at Guild; nothing was half-saved. Try again in a moment.",
        "Er ging iets mis bij Guild; er is niets half opgeslagen. Probeer het zo opnieuw.",
    ),
    (
        "problem_other",
        "Something was not right.",
        "Er klopte iets niet.",
    ),
    (
        "in_english",
        "Details (in English):",
        "Toelichting (in het Engels):",
    ),
    (
        "form_expired",
        "This form has expired or did not come from Guild. Go back, reload the page and send it again.",
        "Dit formulier is verlopen of kwam niet van Guild. Ga terug, laad de pagina opnieuw en verstuur het nog eens.",
    ),
    (
        "no_public_profile",
        "There is no public profile here.",
        "Hier is geen openbaar profiel.",
    ),
    ("rankings_title", "Your rankings", "Uw rangschikkingen"),
    (
        "rankings_lead",
        "Every time Guild ranked you for a client, or ranked work for you, it is kept here: your place, your score in parts, and what would move you up. Guild ranks; a person decides. If a ranking is wrong, contest it: a person answers within 14 days.",
        "Elke keer dat Guild u rangschikte voor een opdrachtgever, of werk voor u rangschikte, staat het hier: uw plaats, uw score in delen, en wat u hoger zou brengen. Guild rangschikt; een mens beslist. Klopt een rangschikking niet, maak dan bezwaar: een mens antwoordt binnen 14 dagen.",
    ),
    (
        "rankings_no_profile",
        "Make your worker profile first: rankings are of profiles.",
        "Maak eerst uw werkersprofiel: rangschikkingen gaan over profielen.",
    ),
    (
        "rankings_none",
        "You have not appeared in a ranking yet.",
        "U kwam nog in geen rangschikking voor.",
    ),
    ("ranking", "ranking", "rangschikking"),
    ("rankings_parts", "Your score in parts", "Uw score in delen"),
    (
        "rankings_up",
        "What would move you up most:",
        "Wat u het meest hoger zou brengen:",
    ),
    (
        "rankings_contested",
        "You contested this ranking; a person is looking at it.",
        "U maakte bezwaar tegen deze rangschikking; een mens bekijkt het.",
    ),
    ("contest", "Contest this ranking", "Bezwaar maken"),
    (
        "contest_reason",
        "Why is it wrong?",
        "Waarom klopt het niet?",
    ),
    ("contest_send", "Send to a person", "Naar een mens sturen"),
    ("contests_title", "Your contests", "Uw bezwaren"),
    (
        "contests_none",
        "You have not contested anything.",
        "U hebt nergens bezwaar tegen gemaakt.",
    ),
    (
        "contest_waiting",
        "Waiting for a person; answer due by",
        "Wacht op een mens; antwoord uiterlijk",
    ),
    ("notice_link", "How Guild ranks", "Hoe Guild rangschikt"),
    ("note_contest", "Contest", "Bezwaar"),
    ("days", "days", "dagen"),
    (
        "notice_title",
        "How Guild ranks, and your rights",
        "Hoe Guild rangschikt, en uw rechten",
    ),
    (
        "notice_lead",
        "Guild ranks workers for tasks, tasks for workers, proposes teams and assigns batches of work. Under the EU AI Act these are high-risk uses; this page says what Guild does and what you can do about it.",
        "Guild rangschikt werkers voor taken en taken voor werkers, stelt teams voor en wijst werk in reeksen toe. Volgens de Europese AI-verordening is dat gebruik met een hoog risico; deze pagina zegt wat Guild doet en wat u eraan kunt doen.",
    ),
    ("notice_what_h", "What Guild ranks", "Wat Guild rangschikt"),
    (
        "notice_what",
        "When a client looks for workers, Guild lists the best matches for their task; when you look for work, it lists tasks for you. It proposes; a person always decides who is invited and who is hired. Nothing is rejected automatically.",
        "Zoekt een opdrachtgever werkers, dan toont Guild de beste overeenkomsten voor de taak; zoekt u werk, dan toont het taken voor u. Guild stelt voor; een mens beslist altijd wie wordt uitgenodigd en wie het werk krijgt. Niets wordt automatisch afgewezen.",
    ),
    (
        "notice_how_h",
        "How a match is scored",
        "Hoe een overeenkomst wordt gescoord",
    ),
    (
        "notice_how",
        "Each match gets a score from 0 to 100, the same way for everyone, from seven parts:",
        "Elke overeenkomst krijgt een score van 0 tot 100, voor iedereen op dezelfde manier, uit zeven delen:",
    ),
    (
        "notice_part_required",
        "60 points: the skills the task needs, at the level it needs (a related skill counts for part; a skill shown by a test or a credential counts more than one only stated).",
        "60 punten: de vaardigheden die de taak vraagt, op het gevraagde niveau (een verwante vaardigheid telt gedeeltelijk; een vaardigheid die een toets of credential aantoont telt zwaarder dan een die alleen vermeld is).",
    ),
    (
        "notice_part_rest",
        "40 points: skills it would like (10), availability (8), your rate against the budget (7), working hours in common (6), reputation from reviews (5), place (4).",
        "40 punten: gewenste vaardigheden (10), beschikbaarheid (8), uw tarief tegenover het budget (7), gemeenschappelijke werkuren (6), reputatie uit beoordelingen (5), plaats (4).",
    ),
    (
        "notice_excluded",
        "A task that needs a language you do not speak, or work on site beyond where you travel, leaves you out of its list; the client can always ask why.",
        "Een taak die een taal vraagt die u niet spreekt, of werk ter plaatse verder dan u reist, laat u buiten de lijst; de opdrachtgever kan altijd vragen waarom.",
    ),
    ("notice_data_h", "On what data", "Op welke gegevens"),
    (
        "notice_data",
        "Your skills and their levels and evidence, your hours, dates, time zone, languages, place and travel distance, your rate, and the ratings of your finished work. Skills read from your own words are proposals you confirm; the skills taxonomy is ESCO and O*NET.",
        "Uw vaardigheden met hun niveau en bewijs, uw uren, data, tijdzone, talen, plaats en reisafstand, uw tarief, en de beoordelingen van uw afgeronde werk. Vaardigheden die Guild uit uw eigen woorden leest zijn voorstellen die u bevestigt; de vaardighedenlijst is ESCO en O*NET.",
    ),
    (
        "notice_never",
        "Never used: your name, sex, ethnicity, age, disability or anything you declare for a fairness audit.",
        "Nooit gebruikt: uw naam, geslacht, etniciteit, leeftijd, beperking of wat u opgeeft voor een eerlijkheidsaudit.",
    ),
    ("notice_rights_h", "Your rights", "Uw rechten"),
    (
        "notice_explain",
        "An explanation: every ranking you appeared in, your place, your score in parts and what would move you up.",
        "Een uitleg: elke rangschikking waarin u voorkwam, uw plaats, uw score in delen en wat u hoger zou brengen.",
    ),
    (
        "notice_contest",
        "To contest a ranking, or how Guild read one of your skills, with your reason: a platform admin (or, for a client's organisation, its reviewer, never the one who posted the task) decides and tells you why.",
        "Bezwaar maken tegen een rangschikking, of tegen hoe Guild een van uw vaardigheden las, met uw reden: een beheerder van het platform (of, bij de organisatie van een opdrachtgever, haar beoordelaar, nooit wie de taak plaatste) beslist en zegt u waarom.",
    ),
    (
        "notice_person",
        "A person decides: Guild ranks and proposes; clients choose whom to invite and hire.",
        "Een mens beslist: Guild rangschikt en stelt voor; opdrachtgevers kiezen wie ze uitnodigen en aannemen.",
    ),
    (
        "notice_log",
        "A record: every ranking is logged with its inputs and kept, unchanged, then deleted by age; it is in your data export.",
        "Een verslag: elke rangschikking wordt met haar invoer vastgelegd en onveranderd bewaard, daarna op leeftijd gewist; ze zit in uw gegevensexport.",
    ),
    (
        "notice_card",
        "The models and rules, their measured quality and known failures are described in the model card (docs/MODEL_CARD.md in Guild's source).",
        "De modellen en regels, hun gemeten kwaliteit en bekende fouten staan in de modelkaart (docs/MODEL_CARD.md in de broncode van Guild).",
    ),
    (
        "declare_title",
        "Help check that Guild is fair",
        "Help controleren of Guild eerlijk is",
    ),
    (
        "declare_purpose",
        "Voluntary. Used only to audit whether Guild's rankings treat groups of people alike (impact ratios per group, published without names). Never an input to any ranking or score, never shown to clients or other workers, kept sealed apart from your profile, erased when you withdraw.",
        "Vrijwillig. Alleen gebruikt om na te gaan of de rangschikkingen van Guild groepen mensen gelijk behandelen (verhoudingen per groep, gepubliceerd zonder namen). Nooit invoer voor een rangschikking of score, nooit getoond aan opdrachtgevers of andere werkers, verzegeld apart van uw profiel bewaard, gewist als u uw toestemming intrekt.",
    ),
    (
        "declare_never",
        "Answer only what you want to: every question may be left as \"prefer not to say\".",
        "Beantwoord alleen wat u wilt: elke vraag mag op \"zeg ik liever niet\" blijven.",
    ),
    ("declare_not_say", "Prefer not to say", "Zeg ik liever niet"),
    (
        "declare_consent",
        "I agree that Guild keeps these answers for this purpose only.",
        "Ik stem ermee in dat Guild deze antwoorden alleen voor dit doel bewaart.",
    ),
    ("declare_save", "Keep my answers", "Mijn antwoorden bewaren"),
    ("declare_now", "What you declared", "Wat u hebt opgegeven"),
    (
        "declare_withdraw",
        "Withdraw my consent and erase them",
        "Mijn toestemming intrekken en ze wissen",
    ),
    (
        "declare_withdrawn",
        "You withdrew your consent and your answers were erased on",
        "U hebt uw toestemming ingetrokken en uw antwoorden zijn gewist op",
    ),
    (
        "declare_again",
        "You may answer again below.",
        "U kunt hieronder opnieuw antwoorden.",
    ),
    (
        "declare_needs_consent",
        "Your answers are kept only with your consent: tick the box to agree to the purpose, or leave the page.",
        "Uw antwoorden worden alleen met uw toestemming bewaard: vink het vakje aan om in te stemmen met het doel, of verlaat de pagina.",
    ),
    (
        "declare_link",
        "Help check that Guild is fair",
        "Help controleren of Guild eerlijk is",
    ),
    (
        "queue_title",
        "Contests to decide",
        "Bezwaren om over te beslissen",
    ),
    (
        "queue_lead",
        "Workers who contest a ranking or how Guild read a skill. A person decides each, within 14 days, and says why; the worker is told.",
        "Werkers die bezwaar maken tegen een rangschikking of tegen hoe Guild een vaardigheid las. Een mens beslist over elk bezwaar, binnen 14 dagen, en zegt waarom; de werker hoort het.",
    ),
    ("queue_empty", "No contest waits.", "Er wacht geen bezwaar."),
    ("queue_filed", "Filed", "Ingediend"),
    ("queue_due", "decide by", "beslissen voor"),
    ("queue_overdue", "overdue since", "te laat sinds"),
    ("queue_decision", "Decision", "Beslissing"),
    (
        "queue_upheld",
        "Upheld: the worker is right",
        "Gegrond: de werker heeft gelijk",
    ),
    (
        "queue_rejected",
        "Rejected: it stands",
        "Afgewezen: het blijft staan",
    ),
    (
        "queue_answer",
        "Why (the worker reads this)",
        "Waarom (de werker leest dit)",
    ),
    ("queue_decide", "Decide", "Beslissen"),
    (
        "contest_pick_outcome",
        "Choose upheld or rejected, and say why.",
        "Kies gegrond of afgewezen, en zeg waarom.",
    ),
    (
        "rankings_times",
        "the same ranking shown",
        "dezelfde rangschikking getoond",
    ),
    ("rankings_times_since", "times since", "keer sinds"),
    (
        "queue_lead_org",
        "Workers who contest a ranking made for a task your organisation's members posted. A reviewer decides each, within 14 days, and says why; whoever posted the task does not decide on it.",
        "Werkers die bezwaar maken tegen een rangschikking voor een taak die leden van uw organisatie plaatsten. Een beoordelaar beslist over elk bezwaar, binnen 14 dagen, en zegt waarom; wie de taak plaatste beslist er niet over.",
    ),
    (
        "not_a_reviewer",
        "Only the organisation's reviewers and admins decide its contests.",
        "Alleen de beoordelaars en beheerders van de organisatie beslissen over haar bezwaren.",
    ),
    (
        "role_reviewer",
        "Reviewer (decides workers' contests)",
        "Beoordelaar (beslist over bezwaren van werkers)",
    ),
    (
        "contest_skill",
        "Contest how Guild read one of your skills",
        "Bezwaar maken tegen hoe Guild een van uw vaardigheden las",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_both_languages_and_keys_are_unique() {
        let mut keys = std::collections::HashSet::new();
        for (k, en, nl) in WORDS {
            assert!(keys.insert(k), "{k} twice");
            assert!(!en.is_empty() && !nl.is_empty(), "{k}");
        }
        assert_eq!(Words(Lang::Nl).s("sign_in"), "Inloggen");
        assert_eq!(Words(Lang::En).s("nope"), "[missing word]");
        assert_eq!(Words(Lang::Nl).state("completed"), "afgerond");
        assert_eq!(Words(Lang::Nl).state("in_progress"), "in progress");
    }

    #[test]
    fn every_word_the_pages_ask_for_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = Vec::new();
        for sub in ["templates", "src/web"] {
            for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
                let path = entry.unwrap().path();
                // This file defines the words (and shows how to ask for one).
                if !path.ends_with("i18n.rs") {
                    sources.push(std::fs::read_to_string(path).unwrap());
                }
            }
        }
        let mut asked = 0;
        for text in &sources {
            for part in text.split("t.s(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                asked += 1;
                assert!(
                    WORDS.iter().any(|(k, _, _)| *k == key),
                    "no word for {key:?}"
                );
            }
        }
        assert!(asked > 100, "only {asked} words asked for");
    }

    #[test]
    fn the_language_comes_from_cookie_then_accept_language() {
        let mut h = HeaderMap::new();
        assert_eq!(Lang::of(&h), Lang::En);
        h.insert("accept-language", "de-DE, nl-NL;q=0.8".parse().unwrap());
        assert_eq!(Lang::of(&h), Lang::Nl);
        h.insert("cookie", "guild_lang=en".parse().unwrap());
        assert_eq!(Lang::of(&h), Lang::En);
    }
}
