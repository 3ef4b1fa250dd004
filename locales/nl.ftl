# monostat's fixed words, in English: the public page, its feeds, the subscription pages and the
# mails. Every other language's file has the same messages; a message missing there is shown in
# English. `{ $name }` is filled in by monostat; keep it, move it where your language needs it.
# Words in messages marked HTML may not contain markup of their own: write plain text.

## The language itself
# The language's name in itself, for the language switch.
language-name = Nederlands
# Text direction: ltr or rtl.
language-direction = ltr

## Dates and times. Lists are separated by commas, starting with January and with Monday.
month-names = januari, februari, maart, april, mei, juni, juli, augustus, september, oktober, november, december
# Month names as dates use them, "1 December 2026" (in languages with cases, often the genitive)
month-names-in-dates = januari, februari, maart, april, mei, juni, juli, augustus, september, oktober, november, december
month-abbreviations = jan, feb, mrt, apr, mei, jun, jul, aug, sep, okt, nov, dec
weekday-names = maandag, dinsdag, woensdag, donderdag, vrijdag, zaterdag, zondag
weekday-abbreviations = ma, di, wo, do, vr, za, zo
# "Monday, 1 December 2026"
date-long = { $weekday } { $day } { $month } { $year }
# "1 December 2026"
date-medium = { $day } { $month } { $year }
# "1 Dec 2026, 14:05 CET" ($month is the abbreviation, $time is 24-hour HH:MM)
date-time = { $day } { $month } { $year }, { $time } { $zone }
# A calendar's month: "December 2026"
month-year = { $month } { $year }
# The decimal separator of numbers such as 99.958
decimal-separator = ,
# A percentage such as "99.958 %"
percent = { $number }%

## Severities and statuses of incidents
severity-maintenance = Onderhoud
severity-notice = Mededeling
severity-bug = Bekende fout
severity-partial = Gedeeltelijke storing
severity-outage = Storing
status-planned = Gepland
status-suspected = Vermoed
status-dismissed = Verworpen
status-confirmed = Bevestigd
status-watching = Wordt gevolgd
status-resolved = Opgelost
phase-scheduled = Gepland
phase-in-progress = In uitvoering
phase-completed = Voltooid
phase-cancelled = Geannuleerd

## The state of the whole system, as the page's headline
headline-down = { $system } is niet beschikbaar
headline-partial = { $system } is gedeeltelijk niet beschikbaar
headline-suspected = { $system } heeft mogelijk problemen
headline-known-issue = { $system } heeft een belangrijk bekend probleem
headline-up = { $system } werkt naar behoren
headline-notice = { $system } werkt naar behoren
headline-maintenance = { $system } ondergaat gepland onderhoud

## The accessible names of the state's icons
state-icon-down = Niet beschikbaar
state-icon-partial = Gedeeltelijk niet beschikbaar
state-icon-suspected = Mogelijke problemen
state-icon-known-issue = Bekend probleem
state-icon-notice = Beschikbaar, met mededelingen
state-icon-maintenance = Onderhoud
state-icon-up = Beschikbaar
icon-update = Update

## Every page
site-status = Status van { $system }
skip-to-content = Naar de inhoud
nav-main = Hoofdnavigatie
nav-current-status = Huidige status
nav-history = Geschiedenis
nav-languages = Talen
feed-rss = RSS-feed
feed-atom = Atom-feed
feed-json = JSON-feed
feed-rss-title = Status van { $system } (RSS)
feed-atom-title = Status van { $system } (Atom)
feed-json-title = Status van { $system } (JSON Feed)
calendar-title = Onderhoud van { $system } (iCalendar)
maintenance-calendar = Onderhoudskalender
subscribe = Abonneren
legal-notice = Juridische informatie
privacy = Privacy
# HTML: $link is a link to monostat
powered-by = Mogelijk gemaakt door { $link }
see-current-status = Bekijk de huidige status

## The status page
state-suspected-text = Onze geautomatiseerde systemen hebben een beschikbaarheidsprobleem opgemerkt. Ons team is gewaarschuwd en werkt deze pagina bij zodra het probleem is bevestigd.
state-notice-text = Zie hieronder voor actuele mededelingen.
state-details-text = Zie hieronder voor details.
# HTML: $contact is a link to an address or a phone number, or both joined by contact-or
state-up-contact = Ondervindt u problemen? Neem contact met ons op via { $contact }.
# HTML
contact-or = { $email } of { $phone }
current-incidents = Huidige incidenten
recent-incidents = Recente incidenten
planned-maintenance = Gepland onderhoud
# HTML: $link is calendar-add as a link
calendar-add-line = { $link } (iCalendar-feed).
calendar-add = Voeg gepland onderhoud toe aan uw agenda
# HTML: $time is a time
last-updated = Laatst bijgewerkt: { $time }.
see-earlier = Eerdere incidenten bekijken

## Incidents
cancelled-maintenance = Geannuleerd onderhoud
since = Sinds
awaiting-information = Er is nog geen specifieke informatie beschikbaar. Ons team is gewaarschuwd en werkt deze pagina bij zodra er meer bekend is.
updates-newest-first = Updates, nieuwste eerst
cancelled-strong = Dit onderhoud is geannuleerd.
cancelled-rest = Het vindt niet plaats zoals aangekondigd.
# HTML: $day is a date
everything-on = Alles op { $day }

## Days and the history
day-incidents = { $count ->
    [0] Niets te melden.
    [one] Eén incident
   *[other] { $count } incidenten
}
back-to-history = Terug naar de geschiedenis
history = Geschiedenis
legend = Legenda
no-incidents = Geen incidenten
# A day of the calendar: "1 December 2026: Outage"
day-worst = { $day }: { $severity }
day-quiet = { $day }: geen incidenten
day-uptime = { $what }, beschikbaarheid { $percent }
uptime = Beschikbaarheid
uptime-last-days = Afgelopen { $days } dagen: { $percent }
uptime-rule = Storingen tellen volledig en gedeeltelijke storingen voor 30 %; onderhoud en mededelingen tellen niet mee. De geschiedenis toont de beschikbaarheid per dag.

## The address of a dismissed incident (a false alarm), shared while it was suspected
incident-closed-title = Incident gesloten
incident-closed-text = Dit incident was een vals alarm of is automatisch als opgelost herkend, en ons team heeft er nog geen verdere informatie aan toegevoegd.
incident-closed-link = Bekijk de huidige systeemstatus

## Errors
not-found-title = Pagina niet gevonden
not-found-text = Op dit adres is niets te vinden. Het incident is mogelijk verwijderd, of de link bevat een typefout.
no-incident-here = Op dit adres is geen incident te vinden.
busy-title = Momenteel erg druk
busy-text = Op dit moment bekijken veel mensen deze site. Probeer het over enkele seconden opnieuw; de huidige status staat op de voorpagina.

## Feeds
feed-description = Incidenten en onderhoud van { $system }
meta-status = { $headline }. Actuele incidenten, gepland onderhoud en de geschiedenis van { $system }.
meta-history = Incidenten en onderhoud van { $system } in de afgelopen twaalf maanden, dag voor dag.
meta-subscribe = Ontvang een e-mail van { $system } wanneer een incident wordt bevestigd, verandert of is opgelost, en wanneer onderhoud is gepland.

## Subscribing
subscribe-heading = Ontvang meldingen per e-mail
subscribe-intro = We sturen u een e-mail wanneer een incident wordt bevestigd, verandert of is opgelost, en wanneer er onderhoud wordt gepland.
email-label = E-mailadres
consent = Ik ga ermee akkoord dat mijn adres alleen wordt bewaard om mij meldingen te sturen over nieuwe of gewijzigde incidenten. Ik kan mijn toestemming op elk moment intrekken via de afmeldlink in elke e-mail.
# HTML: $link is privacy-policy as a link
consent-privacy = Zie de { $link }.
privacy-policy = privacyverklaring
subscribe-button = Abonneren
try-again-title = Probeer het opnieuw
form-expired = Dit formulier is verlopen of is vanaf een andere site verzonden. Ga terug, laad de pagina opnieuw en verstuur het formulier nogmaals.
too-many-title = Te veel pogingen
too-many-text = Er kwamen te veel abonnementsaanvragen vanaf uw netwerk. Probeer het over een paar minuten opnieuw.
consent-missing = Bevestig dat wij uw adres mogen bewaren om u meldingen te sturen.
email-empty = Vul een e-mailadres in.
email-too-long = Dit e-mailadres is te lang.
email-not-bare = Vul alleen het adres zelf in, zoals name@example.com, zonder naam of regeleinden.
email-malformed = Dit lijkt geen e-mailadres te zijn; controleer het alstublieft.
subscribe-busy = Op dit moment abonneren veel mensen zich, en we versturen maar een beperkt aantal bevestigingsmails per uur. Probeer het over { $minutes ->
    [one] een minuut
   *[other] { $minutes } minuten
} opnieuw.
check-inbox-title = Controleer uw inbox
check-inbox-text = We sturen een e-mail met een link naar het adres dat u hebt ingevuld. Open de link en bevestig uw abonnement; tot die tijd ontvangt u geen meldingen.
check-inbox-limits = Na een paar minuten nog niets ontvangen? Kijk dan in uw spammap. Om te voorkomen dat dit formulier tegen iemands inbox wordt gebruikt, sturen we hoogstens { $mails } van zulke e-mails per dag naar één adres, en elke link is { $hours } uur geldig.
subscribed-title = U bent geabonneerd
subscribed-text = Vanaf nu mailen we u wanneer een incident wordt bevestigd, verandert of is opgelost. Elke e-mail bevat een link om u af te melden.
link-invalid-title = Link ongeldig
link-invalid-text = Deze link is niet (of niet meer) geldig. Als u zich al hebt afgemeld, hoeft u niets meer te doen.
confirm-title = Bevestig uw abonnement
confirm-text = Nog één klik: bevestig dat u statusupdates op dit adres wilt ontvangen.
confirm-button = Abonnement bevestigen
link-expired-title = Deze link is verlopen
link-expired-text = Bevestigingslinks zijn { $hours } uur geldig, en deze is ouder; we hebben dit adres niet aangemeld.
link-expired-again = Wilt u nog steeds statusupdates per e-mail ontvangen? Abonneer u dan opnieuw: u krijgt een nieuwe link.
already-confirmed-title = Al bevestigd
already-confirmed-text = Uw abonnement is al bevestigd; u hoeft niets meer te doen.
unsubscribe-title = Afmelden
unsubscribe-question = Wilt u geen statusupdates per e-mail meer ontvangen?
unsubscribe-button = Afmelden
unsubscribed-title = U bent afgemeld
unsubscribed-text = U ontvangt geen statusupdates per e-mail meer.
unsubscribed-deleted = U ontvangt geen statusupdates per e-mail meer. We hebben uw adres verwijderd.

## Mails
mail-from = Systeemstatus { $system }
mail-status = Status
mail-severity = Ernst
mail-window = Wanneer
mail-update = Update
mail-summary = Samenvatting
mail-continued = Lees verder op de statuspagina.
mail-details = Details op de statuspagina
mail-details-text = Details: { $url }
# HTML: $link is mail-calendar-link as a link
mail-calendar = Voeg het toe aan uw agenda met het bijgevoegde maintenance.ics, of { $link }.
mail-calendar-link = abonneer u op al het geplande onderhoud
mail-calendar-text = Agenda: het bijgevoegde maintenance.ics, of abonneer u op { $url }
mail-why = U ontvangt dit bericht omdat u zich hebt geabonneerd op statusupdates over { $system }.
mail-unsubscribe = Afmelden
mail-subject-new = [{ $severity }] Nieuw incident bevestigd
mail-subject-maintenance-posted = [{ $severity }] Gepland onderhoud aangekondigd
mail-subject-updated = [{ $severity }] [{ $status }] Incident bijgewerkt
mail-subject-reminder = [{ $severity }] Herinnering: gepland onderhoud
mail-subject-started = [{ $severity }] Gepland onderhoud gestart
mail-subject-completed = [{ $severity }] Gepland onderhoud voltooid
mail-subject-rescheduled = [{ $severity }] Gepland onderhoud verplaatst
mail-subject-cancelled = [{ $severity }] Gepland onderhoud geannuleerd
mail-headline-new = Er is een nieuw incident bevestigd.
mail-headline-maintenance-posted = Er is gepland onderhoud aangekondigd.
mail-headline-updated = Een incident is bijgewerkt.
mail-headline-resolved = Een incident is opgelost.
mail-headline-reminder = Er komt gepland onderhoud aan.
mail-headline-started = Gepland onderhoud is gestart.
mail-headline-completed = Gepland onderhoud is voltooid.
mail-headline-rescheduled = Gepland onderhoud is verplaatst.
mail-headline-cancelled = Gepland onderhoud is geannuleerd.
opt-in-subject = Bevestig uw abonnement op statusupdates van { $system }
opt-in-asked = Iemand, hopelijk u, heeft gevraagd om op dit adres statusupdates over { $system } te ontvangen.
opt-in-open = Open deze link om uw abonnement te bevestigen:
opt-in-valid = De link is { $hours } uur geldig.
opt-in-ignore = Was u dit niet? Negeer dan deze e-mail: zonder bevestiging hoort u niets meer van ons.
already-subscribed-subject = U bent al geabonneerd op statusupdates van { $system }
already-subscribed-title = U bent al geabonneerd
already-subscribed-text = Dit adres is al geabonneerd: u hoeft niets te doen en u blijft onze updates ontvangen.
already-subscribed-leave = Wilt u ze niet meer ontvangen? Meld u hier af:
