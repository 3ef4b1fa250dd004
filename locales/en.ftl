# monostat's fixed words, in English: the public page, its feeds, the subscription pages and the
# mails. Every other language's file has the same messages; a message missing there is shown in
# English. `{ $name }` is filled in by monostat; keep it, move it where your language needs it.
# Words in messages marked HTML may not contain markup of their own: write plain text.

## The language itself
# The language's name in itself, for the language switch.
language-name = English
# Text direction: ltr or rtl.
language-direction = ltr

## Dates and times. Lists are separated by commas, starting with January and with Monday.
month-names = January, February, March, April, May, June, July, August, September, October, November, December
# Month names as dates use them, "1 December 2026" (in languages with cases, often the genitive)
month-names-in-dates = January, February, March, April, May, June, July, August, September, October, November, December
month-abbreviations = Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, Nov, Dec
weekday-names = Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday
weekday-abbreviations = Mo, Tu, We, Th, Fr, Sa, Su
# "Monday, 1 December 2026"
date-long = { $weekday }, { $day } { $month } { $year }
# "1 December 2026"
date-medium = { $day } { $month } { $year }
# "1 Dec 2026, 14:05 CET" ($month is the abbreviation, $time is 24-hour HH:MM)
date-time = { $day } { $month } { $year }, { $time } { $zone }
# A calendar's month: "December 2026"
month-year = { $month } { $year }
# The decimal separator of numbers such as 99.958
decimal-separator = .
# A percentage such as "99.958 %"
percent = { $number } %

## Severities and statuses of incidents
severity-maintenance = Maintenance
severity-notice = Notice
severity-bug = Known Bug
severity-partial = Partial Outage
severity-outage = Outage
status-planned = Planned
status-suspected = Suspected
status-dismissed = Dismissed
status-confirmed = Confirmed
status-watching = Watching
status-resolved = Resolved
phase-scheduled = Planned
phase-in-progress = In progress
phase-completed = Completed
phase-cancelled = Cancelled

## The state of the whole system, as the page's headline
headline-down = { $system } is down
headline-partial = { $system } is partially unavailable
headline-suspected = { $system } might be having issues
headline-known-issue = { $system } has a significant known issue
headline-up = { $system } is up and running
headline-notice = { $system } is up and running
headline-maintenance = { $system } is undergoing planned maintenance

## The accessible names of the state's icons
state-icon-down = Down
state-icon-partial = Partially unavailable
state-icon-suspected = Possible issues
state-icon-known-issue = Known issue
state-icon-notice = Up, with notices
state-icon-maintenance = Maintenance
state-icon-up = Up
icon-update = Update

## Every page
site-status = { $system } status
skip-to-content = Skip to content
nav-main = Main
nav-current-status = Current status
nav-history = History
nav-languages = Languages
feed-rss = RSS feed
feed-atom = Atom feed
feed-json = JSON feed
feed-rss-title = { $system } status (RSS)
feed-atom-title = { $system } status (Atom)
feed-json-title = { $system } status (JSON Feed)
calendar-title = { $system } maintenance (iCalendar)
maintenance-calendar = Maintenance calendar
subscribe = Subscribe
legal-notice = Legal notice
privacy = Privacy
# HTML: $link is a link to monostat
powered-by = Powered by { $link }
see-current-status = See the current status

## The status page
state-suspected-text = Our automated systems have noticed an availability issue. Our team has been alerted and will update this page as soon as they have confirmed the issue.
state-notice-text = See below for current notices.
state-details-text = See below for details.
# HTML: $contact is a link to an address or a phone number, or both joined by contact-or
state-up-contact = Having issues? Contact us at { $contact }.
# HTML
contact-or = { $email } or { $phone }
current-incidents = Current incidents
recent-incidents = Recent incidents
planned-maintenance = Planned maintenance
# HTML: $link is calendar-add as a link
calendar-add-line = { $link } (iCalendar feed).
calendar-add = Add planned maintenance to your calendar
# HTML: $time is a time
last-updated = Last updated { $time }.
see-earlier = See earlier incidents

## Incidents
cancelled-maintenance = Cancelled maintenance
since = Since
awaiting-information = No specific information is available yet. Our team has been alerted and will update this page as soon as they know more.
updates-newest-first = Updates, newest first
cancelled-strong = This maintenance was cancelled.
cancelled-rest = It will not take place as announced.
# HTML: $day is a date
everything-on = Everything on { $day }

## Days and the history
day-incidents = { $count ->
    [0] Nothing to report.
    [one] One incident
   *[other] { $count } incidents
}
back-to-history = Back to the history
history = History
legend = Legend
no-incidents = No incidents
# A day of the calendar: "1 December 2026: Outage"
day-worst = { $day }: { $severity }
day-quiet = { $day }: no incidents
# A day of the calendar with its uptime: $what is day-worst or day-quiet, $percent a percentage
day-uptime = { $what }, uptime { $percent }

## Uptime
uptime = Uptime
uptime-last-days = Last { $days } days: { $percent }
uptime-rule = Outages count fully and partial outages at 30 %; maintenance and notices do not count. The history gives each day's uptime.

## The address of a dismissed incident (a false alarm), shared while it was suspected
incident-closed-title = Incident closed
incident-closed-text = This incident was either a false alarm or it has been detected as resolved automatically and has not yet been updated with more information by our team.
incident-closed-link = View current system status

## Errors
not-found-title = Page not found
not-found-text = There is nothing at this address. The incident may have been removed, or the link may be mistyped.
no-incident-here = There is no incident at this address.
busy-title = Busy right now
busy-text = Many people are reading this site at the moment. Please try again in a few seconds; the current status is on the front page.

## Feeds
feed-description = Incidents and maintenance of { $system }

## What search engines and link previews show of a page
meta-status = { $headline }. Current incidents, planned maintenance and the history of { $system }.
meta-history = Incidents and maintenance of { $system } over the last twelve months, day by day.
meta-subscribe = Get a mail from { $system } when an incident is confirmed, changes or is resolved, and when maintenance is planned.

## Subscribing
subscribe-heading = Get notified by email
subscribe-intro = We send you a mail when an incident is confirmed, changes or is resolved, and when maintenance is planned.
email-label = Email address
consent = I agree that my address is kept only to send me notifications about new or changed incidents. I can withdraw my consent at any time with the unsubscribe link in every mail.
# HTML: $link is privacy-policy as a link
consent-privacy = See the { $link }.
privacy-policy = privacy policy
subscribe-button = Subscribe
try-again-title = Please try again
form-expired = This form has expired or was sent from another site. Please go back, reload the page and send it again.
too-many-title = Too many attempts
too-many-text = Too many subscription requests came from your network. Please try again in a few minutes.
consent-missing = Please confirm that we may keep your address for sending notifications.
email-empty = Please enter an email address.
email-too-long = This email address is too long.
email-not-bare = Please enter only the address itself, like name@example.com, without a name or line breaks.
email-malformed = This does not look like an email address; please check it.
subscribe-busy = Many people are subscribing right now, and we send only a limited number of confirmation mails per hour. Please try again in { $minutes ->
    [one] one minute
   *[other] { $minutes } minutes
}.
check-inbox-title = Please check your inbox
check-inbox-text = We are sending a mail with a link to the address you entered. Open it and confirm your subscription; until then you will not receive any notifications.
check-inbox-limits = Nothing after a few minutes? Please look in your spam folder. So that this form cannot be used against anybody's inbox, we send at most { $mails } such mails to one address a day, and each link works for { $hours } hours.
subscribed-title = You are subscribed
subscribed-text = From now on we will mail you when an incident is confirmed, changes or is resolved. Every mail has a link to unsubscribe.
link-invalid-title = Link not valid
link-invalid-text = This link is not (or no longer) valid. If you have unsubscribed already, there is nothing more to do.
confirm-title = Confirm your subscription
confirm-text = One more click: confirm that you want to receive status updates at this address.
confirm-button = Confirm subscription
link-expired-title = This link has expired
link-expired-text = Confirmation links work for { $hours } hours, and this one is older; we have not subscribed this address.
link-expired-again = If you still want status updates by mail, please subscribe again: you will get a new link.
already-confirmed-title = Already confirmed
already-confirmed-text = Your subscription is already confirmed; there is nothing more to do.
unsubscribe-title = Unsubscribe
unsubscribe-question = Do you want to stop receiving status updates by mail?
unsubscribe-button = Unsubscribe
unsubscribed-title = You are unsubscribed
unsubscribed-text = You will not receive any more status updates by mail.
unsubscribed-deleted = You will not receive any more status updates by mail. We have deleted your address.

## Mails
mail-from = { $system } System Status
mail-status = Status
mail-severity = Severity
mail-window = When
mail-update = Update
mail-summary = Summary
mail-continued = Continued on the status page.
mail-details = Details on the status page
mail-details-text = Details: { $url }
# HTML: $link is mail-calendar-link as a link
mail-calendar = Add it to your calendar with the attached maintenance.ics, or { $link }.
mail-calendar-link = subscribe to all planned maintenance
mail-calendar-text = Calendar: the attached maintenance.ics, or subscribe to { $url }
mail-why = You receive this because you subscribed to status updates about { $system }.
mail-unsubscribe = Unsubscribe
mail-subject-new = [{ $severity }] New incident confirmed
mail-subject-maintenance-posted = [{ $severity }] Planned maintenance posted
mail-subject-updated = [{ $severity }] [{ $status }] Incident updated
mail-subject-reminder = [{ $severity }] Reminder: planned maintenance
mail-subject-started = [{ $severity }] Planned maintenance started
mail-subject-completed = [{ $severity }] Planned maintenance completed
mail-subject-rescheduled = [{ $severity }] Planned maintenance rescheduled
mail-subject-cancelled = [{ $severity }] Planned maintenance cancelled
mail-headline-new = A new incident has been confirmed.
mail-headline-maintenance-posted = Planned maintenance has been posted.
mail-headline-updated = An incident has been updated.
mail-headline-resolved = An incident has been resolved.
mail-headline-reminder = Planned maintenance is coming up.
mail-headline-started = Planned maintenance has started.
mail-headline-completed = Planned maintenance has been completed.
mail-headline-rescheduled = Planned maintenance has been rescheduled.
mail-headline-cancelled = Planned maintenance has been cancelled.
opt-in-subject = Please confirm your subscription to { $system } status updates
opt-in-asked = Somebody, hopefully you, asked to receive status updates about { $system } at this address.
opt-in-open = To confirm your subscription, open this link:
opt-in-valid = The link works for { $hours } hours.
opt-in-ignore = If this was not you, ignore this mail: without confirmation you will not hear from us again.
already-subscribed-subject = You are subscribed to { $system } status updates already
already-subscribed-title = You are subscribed already
already-subscribed-text = This address is subscribed already: there is nothing to do, and you will keep receiving our updates.
already-subscribed-leave = If you no longer want them, unsubscribe here:
