# monostat's fixed words, in English: the public page, its feeds, the subscription pages and the
# mails. Every other language's file has the same messages; a message missing there is shown in
# English. `{ $name }` is filled in by monostat; keep it, move it where your language needs it.
# Words in messages marked HTML may not contain markup of their own: write plain text.

## The language itself
# The language's name in itself, for the language switch.
language-name = Italiano
# Text direction: ltr or rtl.
language-direction = ltr

## Dates and times. Lists are separated by commas, starting with January and with Monday.
month-names = gennaio, febbraio, marzo, aprile, maggio, giugno, luglio, agosto, settembre, ottobre, novembre, dicembre
# Month names as dates use them, "1 December 2026" (in languages with cases, often the genitive)
month-names-in-dates = gennaio, febbraio, marzo, aprile, maggio, giugno, luglio, agosto, settembre, ottobre, novembre, dicembre
month-abbreviations = gen, feb, mar, apr, mag, giu, lug, ago, set, ott, nov, dic
weekday-names = lunedì, martedì, mercoledì, giovedì, venerdì, sabato, domenica
weekday-abbreviations = lun, mar, mer, gio, ven, sab, dom
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
severity-maintenance = Manutenzione
severity-notice = Avviso
severity-bug = Bug noto
severity-partial = Interruzione parziale
severity-outage = Interruzione
status-planned = Pianificato
status-suspected = Sospetto
status-dismissed = Escluso
status-confirmed = Confermato
status-watching = In osservazione
status-resolved = Risolto
phase-scheduled = Pianificata
phase-in-progress = In corso
phase-completed = Completata
phase-cancelled = Annullata

## The state of the whole system, as the page's headline
headline-down = { $system } è fuori servizio
headline-partial = { $system } è parzialmente non disponibile
headline-suspected = { $system } potrebbe avere dei problemi
headline-known-issue = { $system } ha un problema noto importante
headline-up = { $system } funziona regolarmente
headline-notice = { $system } funziona regolarmente
headline-maintenance = { $system } è in manutenzione programmata

## The accessible names of the state's icons
state-icon-down = Fuori servizio
state-icon-partial = Parzialmente non disponibile
state-icon-suspected = Possibili problemi
state-icon-known-issue = Problema noto
state-icon-notice = Operativo, con avvisi
state-icon-maintenance = Manutenzione
state-icon-up = Operativo
icon-update = Aggiornamento

## Every page
site-status = Stato di { $system }
skip-to-content = Vai al contenuto
nav-main = Navigazione principale
nav-current-status = Stato attuale
nav-history = Cronologia
nav-languages = Lingue
feed-rss = Feed RSS
feed-atom = Feed Atom
feed-json = Feed JSON
feed-rss-title = Stato di { $system } (RSS)
feed-atom-title = Stato di { $system } (Atom)
feed-json-title = Stato di { $system } (JSON Feed)
calendar-title = Manutenzioni di { $system } (iCalendar)
maintenance-calendar = Calendario delle manutenzioni
subscribe = Iscriviti
legal-notice = Note legali
privacy = Privacy
# HTML: $link is a link to monostat
powered-by = Realizzato con { $link }
see-current-status = Vedi lo stato attuale

## The status page
state-suspected-text = I nostri sistemi automatici hanno rilevato un problema di disponibilità. Il nostro team è stato avvisato e aggiornerà questa pagina non appena avrà confermato il problema.
state-notice-text = Di seguito trova gli avvisi attuali.
state-details-text = Di seguito trova i dettagli.
# HTML: $contact is a link to an address or a phone number, or both joined by contact-or
state-up-contact = Ha dei problemi? Ci contatti tramite { $contact }.
# HTML
contact-or = { $email } o { $phone }
current-incidents = Incidenti in corso
recent-incidents = Incidenti recenti
planned-maintenance = Manutenzioni programmate
# HTML: $link is calendar-add as a link
calendar-add-line = { $link } (feed iCalendar).
calendar-add = Aggiunga le manutenzioni programmate al suo calendario
# HTML: $time is a time
last-updated = Ultimo aggiornamento: { $time }.
see-earlier = Vedi gli incidenti precedenti

## Incidents
cancelled-maintenance = Manutenzione annullata
since = Da
awaiting-information = Non sono ancora disponibili informazioni specifiche. Il nostro team è stato avvisato e aggiornerà questa pagina non appena ne saprà di più.
updates-newest-first = Aggiornamenti, dal più recente
cancelled-strong = Questa manutenzione è stata annullata.
cancelled-rest = Non avrà luogo come annunciato.
# HTML: $day is a date
everything-on = Tutti gli eventi del { $day }

## Days and the history
day-incidents = { $count ->
    [0] Niente da segnalare.
    [one] Un incidente
   *[other] { $count } incidenti
}
back-to-history = Torna alla cronologia
history = Cronologia
legend = Legenda
no-incidents = Nessun incidente
# A day of the calendar: "1 December 2026: Outage"
day-worst = { $day }: { $severity }
day-quiet = { $day }: nessun incidente
day-uptime = { $what }, disponibilità { $percent }
uptime = Disponibilità
uptime-last-days = Ultimi { $days } giorni: { $percent }
uptime-rule = Le interruzioni contano per intero e le interruzioni parziali al 30 %; manutenzioni e avvisi non contano. Lo storico indica la disponibilità di ogni giorno.

## The address of a dismissed incident (a false alarm), shared while it was suspected
incident-closed-title = Incidente chiuso
incident-closed-text = Questo incidente era un falso allarme oppure è stato rilevato automaticamente come risolto, e il nostro team non l’ha ancora aggiornato con ulteriori informazioni.
incident-closed-link = Vedi lo stato attuale del sistema

## Errors
not-found-title = Pagina non trovata
not-found-text = Non c’è nulla a questo indirizzo. L’incidente potrebbe essere stato rimosso, oppure il link potrebbe contenere un errore di battitura.
no-incident-here = Non c’è alcun incidente a questo indirizzo.
busy-title = Traffico elevato in questo momento
busy-text = Molte persone stanno consultando questo sito in questo momento. Riprovi tra qualche secondo; lo stato attuale è nella pagina principale.

## Feeds
feed-description = Incidenti e manutenzioni di { $system }
meta-status = { $headline }. Incidenti in corso, manutenzioni programmate e storico di { $system }.
meta-history = Incidenti e manutenzioni di { $system } negli ultimi dodici mesi, giorno per giorno.
meta-subscribe = Ricevi un’e-mail da { $system } quando un incidente viene confermato, cambia o viene risolto, e quando è prevista una manutenzione.

## Subscribing
subscribe-heading = Ricevere notifiche via email
subscribe-intro = Le inviamo un’email quando un incidente viene confermato, cambia o viene risolto, e quando viene programmata una manutenzione.
email-label = Indirizzo email
consent = Acconsento a che il mio indirizzo sia conservato solo per inviarmi notifiche su incidenti nuovi o modificati. Posso revocare il consenso in qualsiasi momento tramite il link di disiscrizione presente in ogni email.
# HTML: $link is privacy-policy as a link
consent-privacy = Consulti l’{ $link }.
privacy-policy = informativa sulla privacy
subscribe-button = Iscriviti
try-again-title = Riprovi
form-expired = Questo modulo è scaduto o è stato inviato da un altro sito. Torni indietro, ricarichi la pagina e lo invii di nuovo.
too-many-title = Troppi tentativi
too-many-text = Dalla sua rete sono arrivate troppe richieste di iscrizione. Riprovi tra qualche minuto.
consent-missing = Confermi che possiamo conservare il suo indirizzo per inviarle notifiche.
email-empty = Inserisca un indirizzo email.
email-too-long = Questo indirizzo email è troppo lungo.
email-not-bare = Inserisca solo l’indirizzo, ad esempio name@example.com, senza nome né a capo.
email-malformed = Questo non sembra un indirizzo email; lo controlli.
subscribe-busy = Molte persone si stanno iscrivendo in questo momento e inviamo solo un numero limitato di email di conferma all’ora. Riprovi tra { $minutes ->
    [one] un minuto
   *[other] { $minutes } minuti
}.
check-inbox-title = Controlli la sua casella di posta
check-inbox-text = Stiamo inviando un’email con un link all’indirizzo che ha inserito. La apra e confermi l’iscrizione; fino ad allora non riceverà alcuna notifica.
check-inbox-limits = Non è arrivato nulla dopo qualche minuto? Controlli la cartella dello spam. Affinché questo modulo non possa essere usato contro la casella di posta di nessuno, inviamo al massimo { $mails } email di questo tipo al giorno allo stesso indirizzo, e ogni link è valido per { $hours } ore.
subscribed-title = Iscrizione completata
subscribed-text = D’ora in poi le scriveremo quando un incidente viene confermato, cambia o viene risolto. Ogni email contiene un link per annullare l’iscrizione.
link-invalid-title = Link non valido
link-invalid-text = Questo link non è (o non è più) valido. Se ha già annullato l’iscrizione, non deve fare altro.
confirm-title = Confermi la sua iscrizione
confirm-text = Ancora un clic: confermi di voler ricevere gli aggiornamenti di stato a questo indirizzo.
confirm-button = Conferma iscrizione
link-expired-title = Questo link è scaduto
link-expired-text = I link di conferma sono validi per { $hours } ore e questo è più vecchio; non abbiamo iscritto questo indirizzo.
link-expired-again = Se desidera ancora ricevere gli aggiornamenti di stato via email, si iscriva di nuovo: riceverà un nuovo link.
already-confirmed-title = Iscrizione già confermata
already-confirmed-text = La sua iscrizione è già confermata; non deve fare altro.
unsubscribe-title = Annulla iscrizione
unsubscribe-question = Desidera smettere di ricevere gli aggiornamenti di stato via email?
unsubscribe-button = Annulla iscrizione
unsubscribed-title = Iscrizione annullata
unsubscribed-text = Non riceverà più aggiornamenti di stato via email.
unsubscribed-deleted = Non riceverà più aggiornamenti di stato via email. Abbiamo eliminato il suo indirizzo.

## Mails
mail-from = Stato del sistema { $system }
mail-status = Stato
mail-severity = Gravità
mail-window = Quando
mail-update = Aggiornamento
mail-summary = Riepilogo
mail-continued = Continua sulla pagina di stato.
mail-details = Dettagli nella pagina di stato
mail-details-text = Dettagli: { $url }
# HTML: $link is mail-calendar-link as a link
mail-calendar = La aggiunga al suo calendario con il file maintenance.ics allegato, oppure { $link }.
mail-calendar-link = si iscriva a tutte le manutenzioni programmate
mail-calendar-text = Calendario: il file maintenance.ics allegato, oppure si iscriva a { $url }
mail-why = Riceve questa email perché ha sottoscritto gli aggiornamenti di stato di { $system }.
mail-unsubscribe = Annulla iscrizione
mail-subject-new = [{ $severity }] Nuovo incidente confermato
mail-subject-maintenance-posted = [{ $severity }] Manutenzione programmata pubblicata
mail-subject-updated = [{ $severity }] [{ $status }] Incidente aggiornato
mail-subject-reminder = [{ $severity }] Promemoria: manutenzione programmata
mail-subject-started = [{ $severity }] Manutenzione programmata iniziata
mail-subject-completed = [{ $severity }] Manutenzione programmata completata
mail-subject-rescheduled = [{ $severity }] Manutenzione programmata ripianificata
mail-subject-cancelled = [{ $severity }] Manutenzione programmata annullata
mail-headline-new = È stato confermato un nuovo incidente.
mail-headline-maintenance-posted = È stata pubblicata una manutenzione programmata.
mail-headline-updated = Un incidente è stato aggiornato.
mail-headline-resolved = Un incidente è stato risolto.
mail-headline-reminder = È in arrivo una manutenzione programmata.
mail-headline-started = È iniziata una manutenzione programmata.
mail-headline-completed = È stata completata una manutenzione programmata.
mail-headline-rescheduled = È stata ripianificata una manutenzione programmata.
mail-headline-cancelled = È stata annullata una manutenzione programmata.
opt-in-subject = Confermi la sua iscrizione agli aggiornamenti di stato di { $system }
opt-in-asked = Qualcuno, speriamo lei, ha chiesto di ricevere a questo indirizzo gli aggiornamenti di stato di { $system }.
opt-in-open = Per confermare l’iscrizione, apra questo link:
opt-in-valid = Il link è valido per { $hours } ore.
opt-in-ignore = Se non è stato lei, ignori questa email: senza conferma non riceverà altre comunicazioni da noi.
already-subscribed-subject = Questo indirizzo è già iscritto agli aggiornamenti di stato di { $system }
already-subscribed-title = Sei già iscritto
already-subscribed-text = Questo indirizzo è già iscritto: non deve fare nulla e continuerà a ricevere i nostri aggiornamenti.
already-subscribed-leave = Se non desidera più riceverli, annulli l’iscrizione qui:
