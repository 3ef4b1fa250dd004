# monostat's fixed words, in English: the public page, its feeds, the subscription pages and the
# mails. Every other language's file has the same messages; a message missing there is shown in
# English. `{ $name }` is filled in by monostat; keep it, move it where your language needs it.
# Words in messages marked HTML may not contain markup of their own: write plain text.

## The language itself
# The language's name in itself, for the language switch.
language-name = Français
# Text direction: ltr or rtl.
language-direction = ltr

## Dates and times. Lists are separated by commas, starting with January and with Monday.
month-names = janvier, février, mars, avril, mai, juin, juillet, août, septembre, octobre, novembre, décembre
# Month names as dates use them, "1 December 2026" (in languages with cases, often the genitive)
month-names-in-dates = janvier, février, mars, avril, mai, juin, juillet, août, septembre, octobre, novembre, décembre
month-abbreviations = janv., févr., mars, avr., mai, juin, juil., août, sept., oct., nov., déc.
weekday-names = lundi, mardi, mercredi, jeudi, vendredi, samedi, dimanche
weekday-abbreviations = lun, mar, mer, jeu, ven, sam, dim
# "Monday, 1 December 2026"
date-long = { $weekday } { $day } { $month } { $year }
# "1 December 2026"
date-medium = { $day } { $month } { $year }
# "1 Dec 2026, 14:05 CET" ($month is the abbreviation, $time is 24-hour HH:MM)
date-time = { $day } { $month } { $year } à { $time } { $zone }
# A calendar's month: "December 2026"
month-year = { $month } { $year }
# The decimal separator of numbers such as 99.958
decimal-separator = ,
# A percentage such as "99.958 %"
percent = { $number } %

## Severities and statuses of incidents
severity-maintenance = Maintenance
severity-notice = Information
severity-bug = Bug connu
severity-partial = Panne partielle
severity-outage = Panne
status-planned = Planifié
status-suspected = Suspecté
status-dismissed = Écarté
status-confirmed = Confirmé
status-watching = Sous surveillance
status-resolved = Résolu
phase-scheduled = Planifiée
phase-in-progress = En cours
phase-completed = Terminée
phase-cancelled = Annulée

## The state of the whole system, as the page's headline
headline-down = { $system } est en panne
headline-partial = { $system } est partiellement indisponible
headline-suspected = { $system } rencontre peut-être des problèmes
headline-known-issue = { $system } présente un problème connu important
headline-up = { $system } fonctionne normalement
headline-notice = { $system } fonctionne normalement
headline-maintenance = { $system } fait l’objet d’une maintenance planifiée

## The accessible names of the state's icons
state-icon-down = En panne
state-icon-partial = Partiellement indisponible
state-icon-suspected = Problèmes possibles
state-icon-known-issue = Problème connu
state-icon-notice = Opérationnel, avec informations
state-icon-maintenance = Maintenance
state-icon-up = Opérationnel
icon-update = Mise à jour

## Every page
site-status = Statut de { $system }
skip-to-content = Aller au contenu
nav-main = Navigation principale
nav-current-status = Statut actuel
nav-history = Historique
nav-languages = Langues
feed-rss = Flux RSS
feed-atom = Flux Atom
feed-json = Flux JSON
feed-rss-title = Statut de { $system } (RSS)
feed-atom-title = Statut de { $system } (Atom)
feed-json-title = Statut de { $system } (JSON Feed)
calendar-title = Maintenances de { $system } (iCalendar)
maintenance-calendar = Calendrier des maintenances
subscribe = S’abonner
legal-notice = Mentions légales
privacy = Confidentialité
# HTML: $link is a link to monostat
powered-by = Propulsé par { $link }
see-current-status = Voir le statut actuel

## The status page
state-suspected-text = Nos systèmes automatisés ont détecté un problème de disponibilité. Notre équipe a été alertée et mettra à jour cette page dès qu’elle aura confirmé le problème.
state-notice-text = Consultez les informations en cours ci-dessous.
state-details-text = Consultez les détails ci-dessous.
# HTML: $contact is a link to an address or a phone number, or both joined by contact-or
state-up-contact = Vous rencontrez des problèmes ? Contactez-nous à { $contact }.
# HTML
contact-or = { $email } ou { $phone }
current-incidents = Incidents en cours
recent-incidents = Incidents récents
planned-maintenance = Maintenances planifiées
# HTML: $link is calendar-add as a link
calendar-add-line = { $link } (flux iCalendar).
calendar-add = Ajouter les maintenances planifiées à votre calendrier
# HTML: $time is a time
last-updated = Dernière mise à jour : { $time }.
see-earlier = Voir les incidents précédents

## Incidents
cancelled-maintenance = Maintenance annulée
since = Depuis
awaiting-information = Aucune information précise n’est encore disponible. Notre équipe a été alertée et mettra à jour cette page dès qu’elle en saura plus.
updates-newest-first = Mises à jour, les plus récentes en premier
cancelled-strong = Cette maintenance a été annulée.
cancelled-rest = Elle n’aura pas lieu comme annoncé.
# HTML: $day is a date
everything-on = Tous les événements du { $day }

## Days and the history
day-incidents = { $count ->
    [0] Rien à signaler.
    [one] Un incident
   *[other] { $count } incidents
}
back-to-history = Retour à l’historique
history = Historique
legend = Légende
no-incidents = Aucun incident
# A day of the calendar: "1 December 2026: Outage"
day-worst = { $day } : { $severity }
day-quiet = { $day } : aucun incident
day-uptime = { $what }, disponibilité { $percent }
uptime = Disponibilité
uptime-last-days = { $days } derniers jours : { $percent }
uptime-rule = Les pannes comptent entièrement et les pannes partielles à 30 % ; la maintenance et les avis ne comptent pas. L’historique donne la disponibilité de chaque jour.

## The address of a dismissed incident (a false alarm), shared while it was suspected
incident-closed-title = Incident clos
incident-closed-text = Cet incident était soit une fausse alerte, soit il a été détecté automatiquement comme résolu, et notre équipe ne l’a pas encore complété par davantage d’informations.
incident-closed-link = Voir le statut actuel du système

## Errors
not-found-title = Page introuvable
not-found-text = Il n’y a rien à cette adresse. L’incident a peut-être été supprimé, ou le lien contient une faute de frappe.
no-incident-here = Il n’y a aucun incident à cette adresse.
busy-title = Très sollicité en ce moment
busy-text = De nombreuses personnes consultent ce site en ce moment. Veuillez réessayer dans quelques secondes ; le statut actuel est affiché sur la page d’accueil.

## Feeds
feed-description = Incidents et maintenances de { $system }
meta-status = { $headline }. Incidents en cours, maintenances prévues et historique de { $system }.
meta-history = Incidents et maintenances de { $system } au cours des douze derniers mois, jour par jour.
meta-subscribe = Recevez un e-mail de { $system } lorsqu’un incident est confirmé, évolue ou est résolu, et lorsqu’une maintenance est prévue.

## Subscribing
subscribe-heading = Recevoir les notifications par e-mail
subscribe-intro = Nous vous envoyons un e-mail lorsqu’un incident est confirmé, évolue ou est résolu, et lorsqu’une maintenance est planifiée.
email-label = Adresse e-mail
consent = J’accepte que mon adresse soit conservée uniquement pour m’envoyer des notifications sur les incidents nouveaux ou modifiés. Je peux retirer mon consentement à tout moment grâce au lien de désabonnement présent dans chaque e-mail.
# HTML: $link is privacy-policy as a link
consent-privacy = Consultez la { $link }.
privacy-policy = politique de confidentialité
subscribe-button = S’abonner
try-again-title = Veuillez réessayer
form-expired = Ce formulaire a expiré ou a été envoyé depuis un autre site. Veuillez revenir en arrière, recharger la page et l’envoyer à nouveau.
too-many-title = Trop de tentatives
too-many-text = Trop de demandes d’abonnement proviennent de votre réseau. Veuillez réessayer dans quelques minutes.
consent-missing = Veuillez confirmer que nous pouvons conserver votre adresse pour vous envoyer des notifications.
email-empty = Veuillez saisir une adresse e-mail.
email-too-long = Cette adresse e-mail est trop longue.
email-not-bare = Veuillez saisir uniquement l’adresse elle-même, par exemple name@example.com, sans nom ni saut de ligne.
email-malformed = Ceci ne ressemble pas à une adresse e-mail ; veuillez la vérifier.
subscribe-busy = De nombreuses personnes s’abonnent en ce moment, et nous n’envoyons qu’un nombre limité d’e-mails de confirmation par heure. Veuillez réessayer dans { $minutes ->
    [one] une minute
   *[other] { $minutes } minutes
}.
check-inbox-title = Veuillez consulter votre boîte de réception
check-inbox-text = Nous envoyons un e-mail contenant un lien à l’adresse que vous avez saisie. Ouvrez-le et confirmez votre abonnement ; d’ici là, vous ne recevrez aucune notification.
check-inbox-limits = Rien reçu après quelques minutes ? Veuillez vérifier votre dossier de courrier indésirable. Pour que ce formulaire ne puisse pas être utilisé contre la boîte de réception de quiconque, nous envoyons au plus { $mails } e-mails de ce type par jour à une même adresse, et chaque lien est valable { $hours } heures.
subscribed-title = Votre abonnement est actif
subscribed-text = Désormais, nous vous écrirons lorsqu’un incident est confirmé, évolue ou est résolu. Chaque e-mail contient un lien de désabonnement.
link-invalid-title = Lien non valide
link-invalid-text = Ce lien n’est pas (ou plus) valide. Si vous avez déjà résilié votre abonnement, vous n’avez rien d’autre à faire.
confirm-title = Confirmez votre abonnement
confirm-text = Encore un clic : confirmez que vous souhaitez recevoir les mises à jour de statut à cette adresse.
confirm-button = Confirmer l’abonnement
link-expired-title = Ce lien a expiré
link-expired-text = Les liens de confirmation sont valables { $hours } heures, et celui-ci est plus ancien ; nous n’avons pas abonné cette adresse.
link-expired-again = Si vous souhaitez toujours recevoir les mises à jour de statut par e-mail, veuillez vous abonner à nouveau : vous recevrez un nouveau lien.
already-confirmed-title = Déjà confirmé
already-confirmed-text = Votre abonnement est déjà confirmé ; vous n’avez rien d’autre à faire.
unsubscribe-title = Se désabonner
unsubscribe-question = Voulez-vous ne plus recevoir les mises à jour de statut par e-mail ?
unsubscribe-button = Se désabonner
unsubscribed-title = Désabonnement effectué
unsubscribed-text = Vous ne recevrez plus de mises à jour de statut par e-mail.
unsubscribed-deleted = Vous ne recevrez plus de mises à jour de statut par e-mail. Nous avons supprimé votre adresse.

## Mails
mail-from = Statut du système { $system }
mail-status = Statut
mail-severity = Gravité
mail-window = Période
mail-update = Mise à jour
mail-summary = Résumé
mail-continued = Suite sur la page de statut.
mail-details = Détails sur la page de statut
mail-details-text = Détails : { $url }
# HTML: $link is mail-calendar-link as a link
mail-calendar = Ajoutez-la à votre calendrier avec le fichier maintenance.ics joint, ou { $link }.
mail-calendar-link = abonnez-vous à toutes les maintenances planifiées
mail-calendar-text = Calendrier : le fichier maintenance.ics joint, ou abonnez-vous à { $url }
mail-why = Vous recevez cet e-mail car vous avez souscrit aux mises à jour de statut de { $system }.
mail-unsubscribe = Se désabonner
mail-subject-new = [{ $severity }] Nouvel incident confirmé
mail-subject-maintenance-posted = [{ $severity }] Maintenance planifiée publiée
mail-subject-updated = [{ $severity }] [{ $status }] Incident mis à jour
mail-subject-reminder = [{ $severity }] Rappel : maintenance planifiée
mail-subject-started = [{ $severity }] Maintenance planifiée commencée
mail-subject-completed = [{ $severity }] Maintenance planifiée terminée
mail-subject-rescheduled = [{ $severity }] Maintenance planifiée reprogrammée
mail-subject-cancelled = [{ $severity }] Maintenance planifiée annulée
mail-headline-new = Un nouvel incident a été confirmé.
mail-headline-maintenance-posted = Une maintenance planifiée a été publiée.
mail-headline-updated = Un incident a été mis à jour.
mail-headline-resolved = Un incident a été résolu.
mail-headline-reminder = Une maintenance planifiée approche.
mail-headline-started = Une maintenance planifiée a commencé.
mail-headline-completed = Une maintenance planifiée est terminée.
mail-headline-rescheduled = Une maintenance planifiée a été reprogrammée.
mail-headline-cancelled = Une maintenance planifiée a été annulée.
opt-in-subject = Veuillez confirmer votre abonnement aux mises à jour de statut de { $system }
opt-in-asked = Quelqu’un, vous-même espérons-le, a demandé à recevoir à cette adresse les mises à jour de statut de { $system }.
opt-in-open = Pour confirmer votre abonnement, ouvrez ce lien :
opt-in-valid = Le lien est valable { $hours } heures.
opt-in-ignore = Si ce n’était pas vous, ignorez cet e-mail : sans confirmation, vous n’aurez plus de nouvelles de notre part.
already-subscribed-subject = Votre adresse est déjà abonnée aux mises à jour de statut de { $system }
already-subscribed-title = Vous êtes déjà abonné
already-subscribed-text = Cette adresse est déjà abonnée : vous n’avez rien à faire, et vous continuerez à recevoir nos mises à jour.
already-subscribed-leave = Si vous ne souhaitez plus les recevoir, désabonnez-vous ici :
