# monostat's fixed words, in English: the public page, its feeds, the subscription pages and the
# mails. Every other language's file has the same messages; a message missing there is shown in
# English. `{ $name }` is filled in by monostat; keep it, move it where your language needs it.
# Words in messages marked HTML may not contain markup of their own: write plain text.

## The language itself
# The language's name in itself, for the language switch.
language-name = Polski
# Text direction: ltr or rtl.
language-direction = ltr

## Dates and times. Lists are separated by commas, starting with January and with Monday.
month-names = styczeń, luty, marzec, kwiecień, maj, czerwiec, lipiec, sierpień, wrzesień, październik, listopad, grudzień
# Month names as dates use them, "1 December 2026" (in languages with cases, often the genitive)
month-names-in-dates = stycznia, lutego, marca, kwietnia, maja, czerwca, lipca, sierpnia, września, października, listopada, grudnia
month-abbreviations = sty, lut, mar, kwi, maj, cze, lip, sie, wrz, paź, lis, gru
weekday-names = poniedziałek, wtorek, środa, czwartek, piątek, sobota, niedziela
weekday-abbreviations = pn, wt, śr, cz, pt, sb, nd
# "Monday, 1 December 2026"
date-long = { $weekday }, { $day } { $month } { $year }
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
severity-maintenance = Prace serwisowe
severity-notice = Komunikat
severity-bug = Znany błąd
severity-partial = Częściowa awaria
severity-outage = Awaria
status-planned = Zaplanowany
status-suspected = Podejrzewany
status-dismissed = Odrzucony
status-confirmed = Potwierdzony
status-watching = W obserwacji
status-resolved = Rozwiązany
phase-scheduled = Zaplanowane
phase-in-progress = W toku
phase-completed = Zakończone
phase-cancelled = Odwołane

## The state of the whole system, as the page's headline
headline-down = { $system } nie działa
headline-partial = { $system } działa tylko częściowo
headline-suspected = { $system } może mieć problemy
headline-known-issue = { $system } ma poważny znany problem
headline-up = { $system } działa prawidłowo
headline-notice = { $system } działa prawidłowo
headline-maintenance = Trwają planowane prace serwisowe systemu { $system }

## The accessible names of the state's icons
state-icon-down = Awaria
state-icon-partial = Częściowa niedostępność
state-icon-suspected = Możliwe problemy
state-icon-known-issue = Znany problem
state-icon-notice = Działa, są komunikaty
state-icon-maintenance = Prace serwisowe
state-icon-up = Działa
icon-update = Aktualizacja

## Every page
site-status = Status { $system }
skip-to-content = Przejdź do treści
nav-main = Nawigacja główna
nav-current-status = Aktualny status
nav-history = Historia
nav-languages = Języki
feed-rss = Kanał RSS
feed-atom = Kanał Atom
feed-json = Kanał JSON
feed-rss-title = Status { $system } (RSS)
feed-atom-title = Status { $system } (Atom)
feed-json-title = Status { $system } (JSON Feed)
calendar-title = Prace serwisowe { $system } (iCalendar)
maintenance-calendar = Kalendarz prac serwisowych
subscribe = Subskrybuj
legal-notice = Nota prawna
privacy = Prywatność
# HTML: $link is a link to monostat
powered-by = Obsługiwane przez { $link }
see-current-status = Zobacz aktualny status

## The status page
state-suspected-text = Nasze automatyczne systemy wykryły problem z dostępnością. Nasz zespół został powiadomiony i zaktualizuje tę stronę, gdy tylko potwierdzi problem.
state-notice-text = Aktualne komunikaty znajdują się poniżej.
state-details-text = Szczegóły znajdują się poniżej.
# HTML: $contact is a link to an address or a phone number, or both joined by contact-or
state-up-contact = Występują problemy? Prosimy o kontakt: { $contact }.
# HTML
contact-or = { $email } lub { $phone }
current-incidents = Bieżące incydenty
recent-incidents = Ostatnie incydenty
planned-maintenance = Planowane prace serwisowe
# HTML: $link is calendar-add as a link
calendar-add-line = { $link } (kanał iCalendar).
calendar-add = Dodaj planowane prace serwisowe do kalendarza
# HTML: $time is a time
last-updated = Ostatnia aktualizacja: { $time }.
see-earlier = Zobacz wcześniejsze incydenty

## Incidents
cancelled-maintenance = Odwołane prace serwisowe
since = Od
awaiting-information = Nie ma jeszcze szczegółowych informacji. Nasz zespół został powiadomiony i zaktualizuje tę stronę, gdy tylko dowie się więcej.
updates-newest-first = Aktualizacje, od najnowszych
cancelled-strong = Te prace serwisowe zostały odwołane.
cancelled-rest = Nie odbędą się zgodnie z zapowiedzią.
# HTML: $day is a date
everything-on = Wszystko z dnia { $day }

## Days and the history
day-incidents = { $count ->
    [0] Nic do zgłoszenia.
    [one] Jeden incydent
    [few] { $count } incydenty
    [many] { $count } incydentów
   *[other] { $count } incydentów
}
back-to-history = Powrót do historii
history = Historia
legend = Legenda
no-incidents = Brak incydentów
# A day of the calendar: "1 December 2026: Outage"
day-worst = { $day }: { $severity }
day-quiet = { $day }: brak incydentów
day-uptime = { $what }, dostępność { $percent }
uptime = Dostępność
uptime-last-days = Ostatnie { $days } dni: { $percent }
uptime-rule = Awarie liczą się w całości, a awarie częściowe w 30 %; prace konserwacyjne i komunikaty się nie liczą. Historia podaje dostępność każdego dnia.

## The address of a dismissed incident (a false alarm), shared while it was suspected
incident-closed-title = Incydent zamknięty
incident-closed-text = Ten incydent był fałszywym alarmem albo został automatycznie uznany za rozwiązany, a nasz zespół nie uzupełnił go jeszcze o dalsze informacje.
incident-closed-link = Zobacz aktualny status systemu

## Errors
not-found-title = Nie znaleziono strony
not-found-text = Pod tym adresem nic nie ma. Incydent mógł zostać usunięty albo link zawiera literówkę.
no-incident-here = Pod tym adresem nie ma żadnego incydentu.
busy-title = Duże obciążenie
busy-text = W tej chwili tę witrynę przegląda bardzo wiele osób. Prosimy spróbować ponownie za kilka sekund; aktualny status jest na stronie głównej.

## Feeds
feed-description = Incydenty i prace serwisowe systemu { $system }
meta-status = { $headline }. Bieżące incydenty, planowane prace konserwacyjne i historia { $system }.
meta-history = Incydenty i prace konserwacyjne { $system } z ostatnich dwunastu miesięcy, dzień po dniu.
meta-subscribe = Otrzymuj wiadomość od { $system }, gdy incydent zostanie potwierdzony, zmieni się lub zostanie rozwiązany, oraz gdy zaplanowane zostaną prace konserwacyjne.

## Subscribing
subscribe-heading = Powiadomienia e-mail
subscribe-intro = Wysyłamy wiadomość e-mail, gdy incydent zostanie potwierdzony, zmieni się lub zostanie rozwiązany, a także gdy zostaną zaplanowane prace serwisowe.
email-label = Adres e-mail
consent = Wyrażam zgodę na przechowywanie mojego adresu wyłącznie w celu wysyłania mi powiadomień o nowych lub zmienionych incydentach. Mogę w każdej chwili wycofać zgodę za pomocą linku do rezygnacji z subskrypcji, który znajduje się w każdej wiadomości.
# HTML: $link is privacy-policy as a link
consent-privacy = Zobacz { $link }.
privacy-policy = politykę prywatności
subscribe-button = Subskrybuj
try-again-title = Prosimy spróbować ponownie
form-expired = Ten formularz wygasł lub został wysłany z innej witryny. Prosimy wrócić, odświeżyć stronę i wysłać formularz ponownie.
too-many-title = Zbyt wiele prób
too-many-text = Z tej sieci nadeszło zbyt wiele próśb o subskrypcję. Prosimy spróbować ponownie za kilka minut.
consent-missing = Prosimy potwierdzić, że możemy przechowywać adres w celu wysyłania powiadomień.
email-empty = Prosimy podać adres e-mail.
email-too-long = Ten adres e-mail jest za długi.
email-not-bare = Prosimy podać tylko sam adres, np. name@example.com, bez imienia i nazwiska ani podziałów wiersza.
email-malformed = To nie wygląda na adres e-mail; prosimy go sprawdzić.
subscribe-busy = W tej chwili subskrypcję zamawia bardzo wiele osób, a wysyłamy tylko ograniczoną liczbę wiadomości potwierdzających na godzinę. Prosimy spróbować ponownie za { $minutes ->
    [one] minutę
    [few] { $minutes } minuty
    [many] { $minutes } minut
   *[other] { $minutes } minut
}.
check-inbox-title = Prosimy sprawdzić skrzynkę odbiorczą
check-inbox-text = Wysyłamy wiadomość z linkiem na podany adres. Należy ją otworzyć i potwierdzić subskrypcję; do tego czasu nie będą wysyłane żadne powiadomienia.
check-inbox-limits = Po kilku minutach nic nie przyszło? Prosimy zajrzeć do folderu spamu. Aby tego formularza nie można było użyć przeciwko czyjejkolwiek skrzynce, wysyłamy na jeden adres najwyżej { $mails } takich wiadomości dziennie, a każdy link działa przez { $hours } godz.
subscribed-title = Subskrypcja jest aktywna
subscribed-text = Od teraz będziemy wysyłać wiadomość, gdy incydent zostanie potwierdzony, zmieni się lub zostanie rozwiązany. Każda wiadomość zawiera link do rezygnacji z subskrypcji.
link-invalid-title = Nieprawidłowy link
link-invalid-text = Ten link jest nieprawidłowy (lub już nieaktualny). Jeśli subskrypcja została już anulowana, nie trzeba nic więcej robić.
confirm-title = Potwierdzenie subskrypcji
confirm-text = Jeszcze jedno kliknięcie: prosimy potwierdzić chęć otrzymywania aktualizacji statusu na ten adres.
confirm-button = Potwierdź subskrypcję
link-expired-title = Ten link wygasł
link-expired-text = Linki potwierdzające działają przez { $hours } godz., a ten jest starszy; ten adres nie został zapisany.
link-expired-again = Aby nadal otrzymywać aktualizacje statusu e-mailem, prosimy ponownie zasubskrybować: zostanie wysłany nowy link.
already-confirmed-title = Już potwierdzono
already-confirmed-text = Subskrypcja jest już potwierdzona; nie trzeba nic więcej robić.
unsubscribe-title = Rezygnacja z subskrypcji
unsubscribe-question = Czy zrezygnować z otrzymywania aktualizacji statusu e-mailem?
unsubscribe-button = Zrezygnuj z subskrypcji
unsubscribed-title = Subskrypcja anulowana
unsubscribed-text = Aktualizacje statusu nie będą już wysyłane e-mailem na ten adres.
unsubscribed-deleted = Aktualizacje statusu nie będą już wysyłane e-mailem na ten adres. Adres został usunięty.

## Mails
mail-from = Status systemu { $system }
mail-status = Status
mail-severity = Waga
mail-window = Termin
mail-update = Aktualizacja
mail-summary = Podsumowanie
mail-continued = Ciąg dalszy na stronie statusu.
mail-details = Szczegóły na stronie statusu
mail-details-text = Szczegóły: { $url }
# HTML: $link is mail-calendar-link as a link
mail-calendar = Można je dodać do kalendarza za pomocą załączonego pliku maintenance.ics lub { $link }.
mail-calendar-link = zasubskrybować wszystkie planowane prace serwisowe
mail-calendar-text = Kalendarz: załączony plik maintenance.ics lub subskrypcja { $url }
mail-why = Ta wiadomość została wysłana, ponieważ na ten adres zamówiono aktualizacje statusu systemu { $system }.
mail-unsubscribe = Zrezygnuj z subskrypcji
mail-subject-new = [{ $severity }] Potwierdzono nowy incydent
mail-subject-maintenance-posted = [{ $severity }] Opublikowano planowane prace serwisowe
mail-subject-updated = [{ $severity }] [{ $status }] Zaktualizowano incydent
mail-subject-reminder = [{ $severity }] Przypomnienie: planowane prace serwisowe
mail-subject-started = [{ $severity }] Rozpoczęto planowane prace serwisowe
mail-subject-completed = [{ $severity }] Zakończono planowane prace serwisowe
mail-subject-rescheduled = [{ $severity }] Zmieniono termin planowanych prac serwisowych
mail-subject-cancelled = [{ $severity }] Odwołano planowane prace serwisowe
mail-headline-new = Potwierdzono nowy incydent.
mail-headline-maintenance-posted = Opublikowano planowane prace serwisowe.
mail-headline-updated = Incydent został zaktualizowany.
mail-headline-resolved = Incydent został rozwiązany.
mail-headline-reminder = Zbliżają się planowane prace serwisowe.
mail-headline-started = Rozpoczęły się planowane prace serwisowe.
mail-headline-completed = Planowane prace serwisowe zostały zakończone.
mail-headline-rescheduled = Termin planowanych prac serwisowych został zmieniony.
mail-headline-cancelled = Planowane prace serwisowe zostały odwołane.
opt-in-subject = Prosimy potwierdzić subskrypcję aktualizacji statusu systemu { $system }
opt-in-asked = Ktoś (miejmy nadzieję, że właściciel tego adresu) poprosił o przesyłanie na ten adres aktualizacji statusu systemu { $system }.
opt-in-open = Aby potwierdzić subskrypcję, należy otworzyć ten link:
opt-in-valid = Link działa przez { $hours } godz.
opt-in-ignore = Jeśli to pomyłka, prosimy zignorować tę wiadomość: bez potwierdzenia nie wyślemy już nic więcej.
already-subscribed-subject = Ten adres już subskrybuje aktualizacje statusu systemu { $system }
already-subscribed-title = Subskrypcja jest już aktywna
already-subscribed-text = Ten adres jest już zapisany: nie trzeba nic robić, a aktualizacje będą nadal przychodzić.
already-subscribed-leave = Aby zrezygnować z subskrypcji, wystarczy otworzyć ten link:
