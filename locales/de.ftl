# monostat's fixed words, in English: the public page, its feeds, the subscription pages and the
# mails. Every other language's file has the same messages; a message missing there is shown in
# English. `{ $name }` is filled in by monostat; keep it, move it where your language needs it.
# Words in messages marked HTML may not contain markup of their own: write plain text.

## The language itself
# The language's name in itself, for the language switch.
language-name = Deutsch
# Text direction: ltr or rtl.
language-direction = ltr

## Dates and times. Lists are separated by commas, starting with January and with Monday.
month-names = Januar, Februar, März, April, Mai, Juni, Juli, August, September, Oktober, November, Dezember
# Month names as dates use them, "1 December 2026" (in languages with cases, often the genitive)
month-names-in-dates = Januar, Februar, März, April, Mai, Juni, Juli, August, September, Oktober, November, Dezember
month-abbreviations = Jan., Feb., März, Apr., Mai, Juni, Juli, Aug., Sept., Okt., Nov., Dez.
weekday-names = Montag, Dienstag, Mittwoch, Donnerstag, Freitag, Samstag, Sonntag
weekday-abbreviations = Mo, Di, Mi, Do, Fr, Sa, So
# "Monday, 1 December 2026"
date-long = { $weekday }, { $day }. { $month } { $year }
# "1 December 2026"
date-medium = { $day }. { $month } { $year }
# "1 Dec 2026, 14:05 CET" ($month is the abbreviation, $time is 24-hour HH:MM)
date-time = { $day }. { $month } { $year }, { $time } { $zone }
# A calendar's month: "December 2026"
month-year = { $month } { $year }
# The decimal separator of numbers such as 99.958
decimal-separator = ,
# A percentage such as "99.958 %"
percent = { $number } %

## Severities and statuses of incidents
severity-maintenance = Wartung
severity-notice = Hinweis
severity-bug = Bekannter Fehler
severity-partial = Teilausfall
severity-outage = Ausfall
status-planned = Geplant
status-suspected = Vermutet
status-dismissed = Verworfen
status-confirmed = Bestätigt
status-watching = Wird beobachtet
status-resolved = Behoben
phase-scheduled = Geplant
phase-in-progress = Läuft
phase-completed = Abgeschlossen
phase-cancelled = Abgesagt

## The state of the whole system, as the page's headline
headline-down = { $system } ist ausgefallen
headline-partial = { $system } ist teilweise nicht verfügbar
headline-suspected = Bei { $system } gibt es möglicherweise Probleme
headline-known-issue = { $system } hat ein erhebliches bekanntes Problem
headline-up = { $system } läuft einwandfrei
headline-notice = { $system } läuft einwandfrei
headline-maintenance = { $system } wird gerade planmäßig gewartet

## The accessible names of the state's icons
state-icon-down = Ausgefallen
state-icon-partial = Teilweise nicht verfügbar
state-icon-suspected = Mögliche Probleme
state-icon-known-issue = Bekanntes Problem
state-icon-notice = Verfügbar, mit Hinweisen
state-icon-maintenance = Wartung
state-icon-up = Verfügbar
icon-update = Aktualisierung

## Every page
site-status = Status von { $system }
skip-to-content = Zum Inhalt springen
nav-main = Hauptnavigation
nav-current-status = Aktueller Status
nav-history = Verlauf
nav-languages = Sprachen
feed-rss = RSS-Feed
feed-atom = Atom-Feed
feed-json = JSON-Feed
feed-rss-title = Status von { $system } (RSS)
feed-atom-title = Status von { $system } (Atom)
feed-json-title = Status von { $system } (JSON Feed)
calendar-title = Wartungen von { $system } (iCalendar)
maintenance-calendar = Wartungskalender
subscribe = Abonnieren
legal-notice = Impressum
privacy = Datenschutz
# HTML: $link is a link to monostat
powered-by = Betrieben mit { $link }
see-current-status = Aktuellen Status ansehen

## The status page
state-suspected-text = Unsere automatischen Systeme haben ein Verfügbarkeitsproblem festgestellt. Unser Team wurde benachrichtigt und aktualisiert diese Seite, sobald es das Problem bestätigt hat.
state-notice-text = Aktuelle Hinweise finden Sie unten.
state-details-text = Details finden Sie unten.
# HTML: $contact is a link to an address or a phone number, or both joined by contact-or
state-up-contact = Haben Sie Probleme? Kontaktieren Sie uns unter { $contact }.
# HTML
contact-or = { $email } oder { $phone }
current-incidents = Aktuelle Vorfälle
recent-incidents = Letzte Vorfälle
planned-maintenance = Geplante Wartungen
# HTML: $link is calendar-add as a link
calendar-add-line = { $link } (iCalendar-Feed).
calendar-add = Geplante Wartungen zu Ihrem Kalender hinzufügen
# HTML: $time is a time
last-updated = Zuletzt aktualisiert: { $time }.
see-earlier = Frühere Vorfälle ansehen

## Incidents
cancelled-maintenance = Abgesagte Wartung
since = Seit
awaiting-information = Es liegen noch keine genaueren Informationen vor. Unser Team wurde benachrichtigt und aktualisiert diese Seite, sobald es mehr weiß.
updates-newest-first = Aktualisierungen, neueste zuerst
cancelled-strong = Diese Wartung wurde abgesagt.
cancelled-rest = Sie findet nicht wie angekündigt statt.
# HTML: $day is a date
everything-on = Alles vom { $day }

## Days and the history
day-incidents = { $count ->
    [0] Keine Vorkommnisse.
    [one] Ein Vorfall
   *[other] { $count } Vorfälle
}
back-to-history = Zurück zum Verlauf
history = Verlauf
legend = Legende
no-incidents = Keine Vorfälle
# A day of the calendar: "1 December 2026: Outage"
day-worst = { $day }: { $severity }
day-quiet = { $day }: keine Vorfälle
day-uptime = { $what }, Verfügbarkeit { $percent }
uptime = Verfügbarkeit
uptime-last-days = Letzte { $days } Tage: { $percent }
uptime-rule = Ausfälle zählen voll, Teilausfälle zu 30 %; Wartungen und Hinweise zählen nicht. Der Verlauf zeigt die Verfügbarkeit jedes Tages.

## The address of a dismissed incident (a false alarm), shared while it was suspected
incident-closed-title = Vorfall geschlossen
incident-closed-text = Dieser Vorfall war entweder ein Fehlalarm, oder er wurde automatisch als behoben erkannt und von unserem Team noch nicht mit weiteren Informationen ergänzt.
incident-closed-link = Aktuellen Systemstatus ansehen

## Errors
not-found-title = Seite nicht gefunden
not-found-text = Unter dieser Adresse gibt es nichts. Der Vorfall wurde möglicherweise entfernt, oder der Link enthält einen Tippfehler.
no-incident-here = Unter dieser Adresse gibt es keinen Vorfall.
busy-title = Gerade stark ausgelastet
busy-text = Im Moment lesen sehr viele Menschen diese Seite. Bitte versuchen Sie es in ein paar Sekunden erneut; den aktuellen Status finden Sie auf der Startseite.

## Feeds
feed-description = Vorfälle und Wartungen von { $system }
meta-status = { $headline }. Aktuelle Vorfälle, geplante Wartungen und der Verlauf von { $system }.
meta-history = Vorfälle und Wartungen von { $system } in den letzten zwölf Monaten, Tag für Tag.
meta-subscribe = Erhalten Sie eine E-Mail von { $system }, wenn ein Vorfall bestätigt wird, sich ändert oder behoben ist, und wenn eine Wartung geplant ist.

## Subscribing
subscribe-heading = Per E-Mail benachrichtigt werden
subscribe-intro = Wir schicken Ihnen eine E-Mail, wenn ein Vorfall bestätigt wird, sich ändert oder behoben ist, und wenn eine Wartung geplant wird.
email-label = E-Mail-Adresse
consent = Ich bin einverstanden, dass meine Adresse nur gespeichert wird, um mich über neue oder geänderte Vorfälle zu benachrichtigen. Ich kann meine Einwilligung jederzeit über den Abmeldelink in jeder E-Mail widerrufen.
# HTML: $link is privacy-policy as a link
consent-privacy = Mehr dazu in der { $link }.
privacy-policy = Datenschutzerklärung
subscribe-button = Abonnieren
try-again-title = Bitte versuchen Sie es erneut
form-expired = Dieses Formular ist abgelaufen oder wurde von einer anderen Website gesendet. Bitte gehen Sie zurück, laden Sie die Seite neu und senden Sie das Formular erneut.
too-many-title = Zu viele Versuche
too-many-text = Aus Ihrem Netzwerk kamen zu viele Anmeldeanfragen. Bitte versuchen Sie es in ein paar Minuten erneut.
consent-missing = Bitte bestätigen Sie, dass wir Ihre Adresse speichern dürfen, um Ihnen Benachrichtigungen zu senden.
email-empty = Bitte geben Sie eine E-Mail-Adresse ein.
email-too-long = Diese E-Mail-Adresse ist zu lang.
email-not-bare = Bitte geben Sie nur die Adresse selbst ein, etwa name@example.com, ohne Namen oder Zeilenumbrüche.
email-malformed = Das sieht nicht nach einer E-Mail-Adresse aus; bitte prüfen Sie sie.
subscribe-busy = Gerade melden sich sehr viele Menschen an, und wir versenden nur eine begrenzte Zahl von Bestätigungs-E-Mails pro Stunde. Bitte versuchen Sie es in { $minutes ->
    [one] einer Minute
   *[other] { $minutes } Minuten
} erneut.
check-inbox-title = Bitte prüfen Sie Ihr Postfach
check-inbox-text = Wir senden eine E-Mail mit einem Link an die eingegebene Adresse. Öffnen Sie den Link und bestätigen Sie Ihr Abonnement; bis dahin erhalten Sie keine Benachrichtigungen.
check-inbox-limits = Nach ein paar Minuten noch nichts angekommen? Bitte sehen Sie in Ihrem Spam-Ordner nach. Damit dieses Formular nicht gegen fremde Postfächer missbraucht werden kann, senden wir höchstens { $mails } solcher E-Mails pro Tag an eine Adresse, und jeder Link ist { $hours } Stunden gültig.
subscribed-title = Ihr Abonnement ist aktiv
subscribed-text = Ab jetzt schreiben wir Ihnen, wenn ein Vorfall bestätigt wird, sich ändert oder behoben ist. Jede E-Mail enthält einen Link zum Abmelden.
link-invalid-title = Link ungültig
link-invalid-text = Dieser Link ist nicht (mehr) gültig. Wenn Sie sich bereits abgemeldet haben, ist nichts weiter zu tun.
confirm-title = Bestätigen Sie Ihr Abonnement
confirm-text = Noch ein Klick: Bestätigen Sie, dass Sie Statusmeldungen an diese Adresse erhalten möchten.
confirm-button = Abonnement bestätigen
link-expired-title = Dieser Link ist abgelaufen
link-expired-text = Bestätigungslinks sind { $hours } Stunden gültig, und dieser ist älter; wir haben diese Adresse nicht angemeldet.
link-expired-again = Wenn Sie weiterhin Statusmeldungen per E-Mail erhalten möchten, melden Sie sich bitte erneut an: Sie erhalten dann einen neuen Link.
already-confirmed-title = Bereits bestätigt
already-confirmed-text = Ihr Abonnement ist bereits bestätigt; es ist nichts weiter zu tun.
unsubscribe-title = Abmelden
unsubscribe-question = Möchten Sie keine Statusmeldungen mehr per E-Mail erhalten?
unsubscribe-button = Abmelden
unsubscribed-title = Sie sind abgemeldet
unsubscribed-text = Sie erhalten keine Statusmeldungen mehr per E-Mail.
unsubscribed-deleted = Sie erhalten keine Statusmeldungen mehr per E-Mail. Wir haben Ihre Adresse gelöscht.

## Mails
mail-from = Systemstatus { $system }
mail-status = Status
mail-severity = Schweregrad
mail-window = Zeitraum
mail-update = Neuigkeit
mail-summary = Zusammenfassung
mail-continued = Weiter auf der Statusseite.
mail-details = Details auf der Statusseite
mail-details-text = Details: { $url }
# HTML: $link is mail-calendar-link as a link
mail-calendar = Fügen Sie die Wartung mit der angehängten maintenance.ics zu Ihrem Kalender hinzu oder { $link }.
mail-calendar-link = abonnieren Sie alle geplanten Wartungen
mail-calendar-text = Kalender: die angehängte maintenance.ics, oder abonnieren Sie { $url }
mail-why = Sie erhalten diese E-Mail, weil Sie Statusmeldungen zu { $system } abonniert haben.
mail-unsubscribe = Abmelden
mail-subject-new = [{ $severity }] Neuer Vorfall bestätigt
mail-subject-maintenance-posted = [{ $severity }] Geplante Wartung angekündigt
mail-subject-updated = [{ $severity }] [{ $status }] Vorfall aktualisiert
mail-subject-reminder = [{ $severity }] Erinnerung: geplante Wartung
mail-subject-started = [{ $severity }] Geplante Wartung begonnen
mail-subject-completed = [{ $severity }] Geplante Wartung abgeschlossen
mail-subject-rescheduled = [{ $severity }] Geplante Wartung verschoben
mail-subject-cancelled = [{ $severity }] Geplante Wartung abgesagt
mail-headline-new = Ein neuer Vorfall wurde bestätigt.
mail-headline-maintenance-posted = Eine geplante Wartung wurde angekündigt.
mail-headline-updated = Ein Vorfall wurde aktualisiert.
mail-headline-resolved = Ein Vorfall wurde behoben.
mail-headline-reminder = Eine geplante Wartung steht bevor.
mail-headline-started = Eine geplante Wartung hat begonnen.
mail-headline-completed = Eine geplante Wartung wurde abgeschlossen.
mail-headline-rescheduled = Eine geplante Wartung wurde verschoben.
mail-headline-cancelled = Eine geplante Wartung wurde abgesagt.
opt-in-subject = Bitte bestätigen Sie Ihr Abonnement der Statusmeldungen von { $system }
opt-in-asked = Jemand, hoffentlich Sie, hat angefordert, Statusmeldungen zu { $system } an diese Adresse zu erhalten.
opt-in-open = Um Ihr Abonnement zu bestätigen, öffnen Sie diesen Link:
opt-in-valid = Der Link ist { $hours } Stunden gültig.
opt-in-ignore = Falls Sie das nicht waren, ignorieren Sie diese E-Mail: Ohne Bestätigung hören Sie nichts mehr von uns.
already-subscribed-subject = Sie haben die Statusmeldungen von { $system } bereits abonniert
already-subscribed-title = Sie sind bereits angemeldet
already-subscribed-text = Diese Adresse ist bereits angemeldet: Es ist nichts zu tun, und Sie erhalten weiterhin unsere Meldungen.
already-subscribed-leave = Wenn Sie sie nicht mehr erhalten möchten, melden Sie sich hier ab:
