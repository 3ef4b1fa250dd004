# monostat's fixed words, in English: the public page, its feeds, the subscription pages and the
# mails. Every other language's file has the same messages; a message missing there is shown in
# English. `{ $name }` is filled in by monostat; keep it, move it where your language needs it.
# Words in messages marked HTML may not contain markup of their own: write plain text.

## The language itself
# The language's name in itself, for the language switch.
language-name = Español
# Text direction: ltr or rtl.
language-direction = ltr

## Dates and times. Lists are separated by commas, starting with January and with Monday.
month-names = enero, febrero, marzo, abril, mayo, junio, julio, agosto, septiembre, octubre, noviembre, diciembre
# Month names as dates use them, "1 December 2026" (in languages with cases, often the genitive)
month-names-in-dates = enero, febrero, marzo, abril, mayo, junio, julio, agosto, septiembre, octubre, noviembre, diciembre
month-abbreviations = ene, feb, mar, abr, may, jun, jul, ago, sept, oct, nov, dic
weekday-names = lunes, martes, miércoles, jueves, viernes, sábado, domingo
weekday-abbreviations = lu, ma, mi, ju, vi, sá, do
# "Monday, 1 December 2026"
date-long = { $weekday }, { $day } de { $month } de { $year }
# "1 December 2026"
date-medium = { $day } de { $month } de { $year }
# "1 Dec 2026, 14:05 CET" ($month is the abbreviation, $time is 24-hour HH:MM)
date-time = { $day } { $month } { $year }, { $time } { $zone }
# A calendar's month: "December 2026"
month-year = { $month } de { $year }
# The decimal separator of numbers such as 99.958
decimal-separator = ,
# A percentage such as "99.958 %"
percent = { $number } %

## Severities and statuses of incidents
severity-maintenance = Mantenimiento
severity-notice = Aviso
severity-bug = Error conocido
severity-partial = Interrupción parcial
severity-outage = Interrupción
status-planned = Planificado
status-suspected = Sospechado
status-dismissed = Descartado
status-confirmed = Confirmado
status-watching = En observación
status-resolved = Resuelto
phase-scheduled = Planificado
phase-in-progress = En curso
phase-completed = Completado
phase-cancelled = Cancelado

## The state of the whole system, as the page's headline
headline-down = { $system } no está disponible
headline-partial = { $system } está disponible solo parcialmente
headline-suspected = Es posible que { $system } tenga problemas
headline-known-issue = { $system } tiene un problema conocido importante
headline-up = { $system } funciona con normalidad
headline-notice = { $system } funciona con normalidad
headline-maintenance = { $system } está en mantenimiento planificado

## The accessible names of the state's icons
state-icon-down = No disponible
state-icon-partial = Parcialmente no disponible
state-icon-suspected = Posibles problemas
state-icon-known-issue = Problema conocido
state-icon-notice = Operativo, con avisos
state-icon-maintenance = Mantenimiento
state-icon-up = Operativo
icon-update = Actualización

## Every page
site-status = Estado de { $system }
skip-to-content = Saltar al contenido
nav-main = Navegación principal
nav-current-status = Estado actual
nav-history = Historial
nav-languages = Idiomas
feed-rss = Feed RSS
feed-atom = Feed Atom
feed-json = Feed JSON
feed-rss-title = Estado de { $system } (RSS)
feed-atom-title = Estado de { $system } (Atom)
feed-json-title = Estado de { $system } (JSON Feed)
calendar-title = Mantenimiento de { $system } (iCalendar)
maintenance-calendar = Calendario de mantenimiento
subscribe = Suscribirse
legal-notice = Aviso legal
privacy = Privacidad
# HTML: $link is a link to monostat
powered-by = Con la tecnología de { $link }
see-current-status = Ver el estado actual

## The status page
state-suspected-text = Nuestros sistemas automáticos han detectado un problema de disponibilidad. Nuestro equipo ha sido alertado y actualizará esta página en cuanto haya confirmado el problema.
state-notice-text = Consulte los avisos actuales a continuación.
state-details-text = Consulte los detalles a continuación.
# HTML: $contact is a link to an address or a phone number, or both joined by contact-or
state-up-contact = ¿Tiene problemas? Contáctenos en { $contact }.
# HTML
contact-or = { $email } o { $phone }
current-incidents = Incidentes actuales
recent-incidents = Incidentes recientes
planned-maintenance = Mantenimiento planificado
# HTML: $link is calendar-add as a link
calendar-add-line = { $link } (feed iCalendar).
calendar-add = Añada el mantenimiento planificado a su calendario
# HTML: $time is a time
last-updated = Última actualización: { $time }.
see-earlier = Ver incidentes anteriores

## Incidents
cancelled-maintenance = Mantenimiento cancelado
since = Desde
awaiting-information = Todavía no hay información concreta disponible. Nuestro equipo ha sido alertado y actualizará esta página en cuanto sepa más.
updates-newest-first = Actualizaciones, las más recientes primero
cancelled-strong = Este mantenimiento se ha cancelado.
cancelled-rest = No se realizará según lo anunciado.
# HTML: $day is a date
everything-on = Todo lo ocurrido el { $day }

## Days and the history
day-incidents = { $count ->
    [0] Nada que informar.
    [one] Un incidente
   *[other] { $count } incidentes
}
back-to-history = Volver al historial
history = Historial
legend = Leyenda
no-incidents = Sin incidentes
# A day of the calendar: "1 December 2026: Outage"
day-worst = { $day }: { $severity }
day-quiet = { $day }: sin incidentes
day-uptime = { $what }, disponibilidad { $percent }
uptime = Disponibilidad
uptime-last-days = Últimos { $days } días: { $percent }
uptime-rule = Las interrupciones cuentan por completo y las interrupciones parciales al 30 %; el mantenimiento y los avisos no cuentan. El historial muestra la disponibilidad de cada día.

## The address of a dismissed incident (a false alarm), shared while it was suspected
incident-closed-title = Incidente cerrado
incident-closed-text = Este incidente fue una falsa alarma o se detectó automáticamente como resuelto, y nuestro equipo todavía no lo ha actualizado con más información.
incident-closed-link = Ver el estado actual del sistema

## Errors
not-found-title = Página no encontrada
not-found-text = No hay nada en esta dirección. Es posible que el incidente se haya eliminado o que el enlace esté mal escrito.
no-incident-here = No hay ningún incidente en esta dirección.
busy-title = Mucha actividad en este momento
busy-text = Muchas personas están consultando este sitio en este momento. Vuelva a intentarlo en unos segundos; el estado actual aparece en la página principal.

## Feeds
feed-description = Incidentes y mantenimiento de { $system }
meta-status = { $headline }. Incidentes actuales, mantenimiento programado e historial de { $system }.
meta-history = Incidentes y mantenimiento de { $system } durante los últimos doce meses, día a día.
meta-subscribe = Reciba un correo de { $system } cuando se confirme, cambie o se resuelva un incidente, y cuando se programe un mantenimiento.

## Subscribing
subscribe-heading = Reciba notificaciones por correo electrónico
subscribe-intro = Le enviamos un correo cuando se confirma, cambia o resuelve un incidente, y cuando se planifica un mantenimiento.
email-label = Dirección de correo electrónico
consent = Acepto que mi dirección se conserve únicamente para enviarme notificaciones sobre incidentes nuevos o modificados. Puedo retirar mi consentimiento en cualquier momento con el enlace para darse de baja que incluye cada correo.
# HTML: $link is privacy-policy as a link
consent-privacy = Consulte la { $link }.
privacy-policy = política de privacidad
subscribe-button = Suscribirse
try-again-title = Vuelva a intentarlo
form-expired = Este formulario ha caducado o se envió desde otro sitio. Vuelva atrás, recargue la página y envíelo de nuevo.
too-many-title = Demasiados intentos
too-many-text = Se han recibido demasiadas solicitudes de suscripción desde su red. Vuelva a intentarlo en unos minutos.
consent-missing = Confirme que podemos conservar su dirección para enviarle notificaciones.
email-empty = Introduzca una dirección de correo electrónico.
email-too-long = Esta dirección de correo electrónico es demasiado larga.
email-not-bare = Introduzca solo la dirección, como name@example.com, sin nombre ni saltos de línea.
email-malformed = Esto no parece una dirección de correo electrónico; compruébela.
subscribe-busy = Muchas personas se están suscribiendo en este momento y solo enviamos un número limitado de correos de confirmación por hora. Vuelva a intentarlo dentro de { $minutes ->
    [one] un minuto
   *[other] { $minutes } minutos
}.
check-inbox-title = Revise su bandeja de entrada
check-inbox-text = Le estamos enviando un correo con un enlace a la dirección que ha introducido. Ábralo y confirme su suscripción; hasta entonces no recibirá ninguna notificación.
check-inbox-limits = ¿No ha llegado nada después de unos minutos? Revise su carpeta de correo no deseado. Para que este formulario no pueda usarse contra la bandeja de entrada de nadie, enviamos como máximo { $mails } correos de este tipo al día a una misma dirección, y cada enlace es válido durante { $hours } horas.
subscribed-title = Su suscripción está activa
subscribed-text = A partir de ahora le escribiremos cuando se confirme, cambie o resuelva un incidente. Cada correo incluye un enlace para darse de baja.
link-invalid-title = Enlace no válido
link-invalid-text = Este enlace no es válido (o ya no lo es). Si ya se ha dado de baja, no tiene que hacer nada más.
confirm-title = Confirme su suscripción
confirm-text = Un clic más: confirme que desea recibir actualizaciones de estado en esta dirección.
confirm-button = Confirmar suscripción
link-expired-title = Este enlace ha caducado
link-expired-text = Los enlaces de confirmación son válidos durante { $hours } horas, y este es más antiguo; no hemos suscrito esta dirección.
link-expired-again = Si aún desea recibir actualizaciones de estado por correo, vuelva a suscribirse: recibirá un enlace nuevo.
already-confirmed-title = Suscripción ya confirmada
already-confirmed-text = Su suscripción ya está confirmada; no tiene que hacer nada más.
unsubscribe-title = Darse de baja
unsubscribe-question = ¿Desea dejar de recibir actualizaciones de estado por correo?
unsubscribe-button = Darse de baja
unsubscribed-title = Se ha dado de baja
unsubscribed-text = Ya no recibirá más actualizaciones de estado por correo.
unsubscribed-deleted = Ya no recibirá más actualizaciones de estado por correo. Hemos eliminado su dirección.

## Mails
mail-from = Estado del sistema de { $system }
mail-status = Estado
mail-severity = Gravedad
mail-window = Cuándo
mail-update = Actualización
mail-summary = Resumen
mail-continued = Continúa en la página de estado.
mail-details = Detalles en la página de estado
mail-details-text = Detalles: { $url }
# HTML: $link is mail-calendar-link as a link
mail-calendar = Añádalo a su calendario con el archivo maintenance.ics adjunto, o { $link }.
mail-calendar-link = suscríbase a todo el mantenimiento planificado
mail-calendar-text = Calendario: el archivo maintenance.ics adjunto, o suscríbase a { $url }
mail-why = Recibe este correo porque se suscribió a las actualizaciones de estado de { $system }.
mail-unsubscribe = Darse de baja
mail-subject-new = [{ $severity }] Nuevo incidente confirmado
mail-subject-maintenance-posted = [{ $severity }] Mantenimiento planificado publicado
mail-subject-updated = [{ $severity }] [{ $status }] Incidente actualizado
mail-subject-reminder = [{ $severity }] Recordatorio: mantenimiento planificado
mail-subject-started = [{ $severity }] Mantenimiento planificado iniciado
mail-subject-completed = [{ $severity }] Mantenimiento planificado completado
mail-subject-rescheduled = [{ $severity }] Mantenimiento planificado reprogramado
mail-subject-cancelled = [{ $severity }] Mantenimiento planificado cancelado
mail-headline-new = Se ha confirmado un nuevo incidente.
mail-headline-maintenance-posted = Se ha publicado un mantenimiento planificado.
mail-headline-updated = Se ha actualizado un incidente.
mail-headline-resolved = Se ha resuelto un incidente.
mail-headline-reminder = Se acerca un mantenimiento planificado.
mail-headline-started = Ha comenzado un mantenimiento planificado.
mail-headline-completed = Se ha completado un mantenimiento planificado.
mail-headline-rescheduled = Se ha reprogramado un mantenimiento planificado.
mail-headline-cancelled = Se ha cancelado un mantenimiento planificado.
opt-in-subject = Confirme su suscripción a las actualizaciones de estado de { $system }
opt-in-asked = Alguien, esperamos que usted, ha solicitado recibir en esta dirección actualizaciones de estado de { $system }.
opt-in-open = Para confirmar su suscripción, abra este enlace:
opt-in-valid = El enlace es válido durante { $hours } horas.
opt-in-ignore = Si no ha sido usted, ignore este correo: sin confirmación, no volverá a recibir noticias nuestras.
already-subscribed-subject = Esta dirección ya está suscrita a las actualizaciones de estado de { $system }
already-subscribed-title = Ya está suscrito
already-subscribed-text = Esta dirección ya está suscrita: no tiene que hacer nada y seguirá recibiendo nuestras actualizaciones.
already-subscribed-leave = Si ya no desea recibirlas, dese de baja aquí:
