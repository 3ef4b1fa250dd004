# monostat's fixed words, in English: the public page, its feeds, the subscription pages and the
# mails. Every other language's file has the same messages; a message missing there is shown in
# English. `{ $name }` is filled in by monostat; keep it, move it where your language needs it.
# Words in messages marked HTML may not contain markup of their own: write plain text.

## The language itself
# The language's name in itself, for the language switch.
language-name = Português
# Text direction: ltr or rtl.
language-direction = ltr

## Dates and times. Lists are separated by commas, starting with January and with Monday.
month-names = janeiro, fevereiro, março, abril, maio, junho, julho, agosto, setembro, outubro, novembro, dezembro
# Month names as dates use them, "1 December 2026" (in languages with cases, often the genitive)
month-names-in-dates = janeiro, fevereiro, março, abril, maio, junho, julho, agosto, setembro, outubro, novembro, dezembro
month-abbreviations = jan, fev, mar, abr, mai, jun, jul, ago, set, out, nov, dez
weekday-names = segunda-feira, terça-feira, quarta-feira, quinta-feira, sexta-feira, sábado, domingo
weekday-abbreviations = seg, ter, qua, qui, sex, sáb, dom
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
percent = { $number }%

## Severities and statuses of incidents
severity-maintenance = Manutenção
severity-notice = Aviso
severity-bug = Erro conhecido
severity-partial = Interrupção parcial
severity-outage = Interrupção
status-planned = Previsto
status-suspected = Suspeito
status-dismissed = Descartado
status-confirmed = Confirmado
status-watching = Em observação
status-resolved = Resolvido
phase-scheduled = Prevista
phase-in-progress = Em curso
phase-completed = Concluída
phase-cancelled = Cancelada

## The state of the whole system, as the page's headline
headline-down = { $system } está indisponível
headline-partial = { $system } está parcialmente indisponível
headline-suspected = { $system } pode estar com problemas
headline-known-issue = { $system } tem um problema conhecido importante
headline-up = { $system } funciona normalmente
headline-notice = { $system } funciona normalmente
headline-maintenance = { $system } está em manutenção programada

## The accessible names of the state's icons
state-icon-down = Indisponível
state-icon-partial = Parcialmente indisponível
state-icon-suspected = Possíveis problemas
state-icon-known-issue = Problema conhecido
state-icon-notice = Operacional, com avisos
state-icon-maintenance = Manutenção
state-icon-up = Operacional
icon-update = Atualização

## Every page
site-status = Estado de { $system }
skip-to-content = Ir para o conteúdo
nav-main = Navegação principal
nav-current-status = Estado atual
nav-history = Histórico
nav-languages = Idiomas
feed-rss = Feed RSS
feed-atom = Feed Atom
feed-json = Feed JSON
feed-rss-title = Estado de { $system } (RSS)
feed-atom-title = Estado de { $system } (Atom)
feed-json-title = Estado de { $system } (JSON Feed)
calendar-title = Manutenções de { $system } (iCalendar)
maintenance-calendar = Calendário de manutenções
subscribe = Subscrever
legal-notice = Aviso legal
privacy = Privacidade
# HTML: $link is a link to monostat
powered-by = Com tecnologia { $link }
see-current-status = Ver o estado atual

## The status page
state-suspected-text = Os nossos sistemas automáticos identificaram um problema de disponibilidade. Os nossos técnicos foram alertados e atualizarão esta página assim que confirmarem o problema.
state-notice-text = Consulte abaixo os avisos atuais.
state-details-text = Consulte abaixo os detalhes.
# HTML: $contact is a link to an address or a phone number, or both joined by contact-or
state-up-contact = Tem problemas? Contacte-nos através de { $contact }.
# HTML
contact-or = { $email } ou { $phone }
current-incidents = Incidentes atuais
recent-incidents = Incidentes recentes
planned-maintenance = Manutenção programada
# HTML: $link is calendar-add as a link
calendar-add-line = { $link } (feed iCalendar).
calendar-add = Adicione a manutenção programada ao seu calendário
# HTML: $time is a time
last-updated = Última atualização: { $time }.
see-earlier = Ver incidentes anteriores

## Incidents
cancelled-maintenance = Manutenção cancelada
since = Desde
awaiting-information = Ainda não há informações específicas disponíveis. Os nossos técnicos foram alertados e atualizarão esta página assim que souberem mais.
updates-newest-first = Atualizações, das mais recentes para as mais antigas
cancelled-strong = Esta manutenção foi cancelada.
cancelled-rest = Não se realizará conforme anunciado.
# HTML: $day is a date
everything-on = Tudo o que aconteceu em { $day }

## Days and the history
day-incidents = { $count ->
    [0] Nada a reportar.
    [one] Um incidente
   *[other] { $count } incidentes
}
back-to-history = Voltar ao histórico
history = Histórico
legend = Legenda
no-incidents = Sem incidentes
# A day of the calendar: "1 December 2026: Outage"
day-worst = { $day }: { $severity }
day-quiet = { $day }: sem incidentes
day-uptime = { $what }, disponibilidade { $percent }
uptime = Disponibilidade
uptime-last-days = Últimos { $days } dias: { $percent }
uptime-rule = As falhas contam por inteiro e as falhas parciais a 30 %; a manutenção e os avisos não contam. O histórico indica a disponibilidade de cada dia.

## The address of a dismissed incident (a false alarm), shared while it was suspected
incident-closed-title = Incidente encerrado
incident-closed-text = Este incidente foi um falso alarme ou foi detetado automaticamente como resolvido, e a nossa equipa ainda não o atualizou com mais informações.
incident-closed-link = Ver o estado atual do sistema

## Errors
not-found-title = Página não encontrada
not-found-text = Não há nada neste endereço. O incidente pode ter sido removido, ou o link pode estar mal escrito.
no-incident-here = Não há nenhum incidente neste endereço.
busy-title = Muito tráfego neste momento
busy-text = Há muitas pessoas a consultar este site neste momento. Tente novamente dentro de alguns segundos; o estado atual está na página inicial.

## Feeds
feed-description = Incidentes e manutenções de { $system }
meta-status = { $headline }. Incidentes atuais, manutenção programada e histórico de { $system }.
meta-history = Incidentes e manutenção de { $system } nos últimos doze meses, dia a dia.
meta-subscribe = Receba um e-mail de { $system } quando um incidente for confirmado, mudar ou for resolvido, e quando houver manutenção programada.

## Subscribing
subscribe-heading = Receba notificações por e-mail
subscribe-intro = Enviamos um e-mail quando um incidente for confirmado, mudar ou for resolvido, e quando for programada uma manutenção.
email-label = Endereço de e-mail
consent = Aceito que o meu endereço seja guardado apenas para me enviarem notificações sobre incidentes novos ou alterados. Posso retirar o meu consentimento a qualquer momento através do link para cancelar a subscrição incluído em cada e-mail.
# HTML: $link is privacy-policy as a link
consent-privacy = Consulte a { $link }.
privacy-policy = política de privacidade
subscribe-button = Subscrever
try-again-title = Tente novamente
form-expired = Este formulário expirou ou foi enviado a partir de outro site. Volte atrás, recarregue a página e envie-o novamente.
too-many-title = Demasiadas tentativas
too-many-text = Chegaram demasiados pedidos de subscrição a partir da sua rede. Tente novamente dentro de alguns minutos.
consent-missing = Confirme que podemos guardar o seu endereço para lhe enviar notificações.
email-empty = Indique um endereço de e-mail.
email-too-long = Este endereço de e-mail é demasiado longo.
email-not-bare = Indique apenas o próprio endereço, como name@example.com, sem nome nem quebras de linha.
email-malformed = Isto não parece um endereço de e-mail; verifique-o.
subscribe-busy = Há muitas pessoas a subscrever neste momento, e enviamos apenas um número limitado de e-mails de confirmação por hora. Tente novamente dentro de { $minutes ->
    [one] um minuto
   *[other] { $minutes } minutos
}.
check-inbox-title = Verifique a sua caixa de correio
check-inbox-text = Vamos enviar um e-mail com um link para o endereço que indicou. Abra-o e confirme a sua subscrição; até lá, não receberá nenhuma notificação.
check-inbox-limits = Nada chegou após alguns minutos? Verifique a pasta de spam. Para que este formulário não possa ser usado contra a caixa de correio de ninguém, enviamos no máximo { $mails } e-mails deste tipo por dia para o mesmo endereço, e cada link é válido durante { $hours } horas.
subscribed-title = A sua subscrição está ativa
subscribed-text = A partir de agora, enviaremos um e-mail sempre que um incidente for confirmado, mudar ou for resolvido. Cada e-mail contém um link para cancelar a subscrição.
link-invalid-title = Link inválido
link-invalid-text = Este link não é (ou já não é) válido. Se já cancelou a subscrição, não precisa de fazer mais nada.
confirm-title = Confirme a sua subscrição
confirm-text = Só mais um clique: confirme que pretende receber atualizações de estado neste endereço.
confirm-button = Confirmar subscrição
link-expired-title = Este link expirou
link-expired-text = Os links de confirmação são válidos durante { $hours } horas, e este é mais antigo; não subscrevemos este endereço.
link-expired-again = Se ainda pretende receber atualizações de estado por e-mail, subscreva novamente: receberá um novo link.
already-confirmed-title = Subscrição já confirmada
already-confirmed-text = A sua subscrição já está confirmada; não precisa de fazer mais nada.
unsubscribe-title = Cancelar subscrição
unsubscribe-question = Pretende deixar de receber atualizações de estado por e-mail?
unsubscribe-button = Cancelar subscrição
unsubscribed-title = Subscrição cancelada
unsubscribed-text = Não receberá mais atualizações de estado por e-mail.
unsubscribed-deleted = Não receberá mais atualizações de estado por e-mail. O seu endereço foi eliminado.

## Mails
mail-from = Estado do sistema { $system }
mail-status = Estado
mail-severity = Gravidade
mail-window = Quando
mail-update = Atualização
mail-summary = Resumo
mail-continued = Continua na página de estado.
mail-details = Detalhes na página de estado
mail-details-text = Detalhes: { $url }
# HTML: $link is mail-calendar-link as a link
mail-calendar = Adicione-a ao seu calendário com o anexo maintenance.ics, ou { $link }.
mail-calendar-link = subscreva toda a manutenção programada
mail-calendar-text = Calendário: o anexo maintenance.ics, ou subscreva { $url }
mail-why = Recebe este e-mail porque subscreveu as atualizações de estado de { $system }.
mail-unsubscribe = Cancelar subscrição
mail-subject-new = [{ $severity }] Novo incidente confirmado
mail-subject-maintenance-posted = [{ $severity }] Manutenção programada publicada
mail-subject-updated = [{ $severity }] [{ $status }] Incidente atualizado
mail-subject-reminder = [{ $severity }] Lembrete: manutenção programada
mail-subject-started = [{ $severity }] Manutenção programada iniciada
mail-subject-completed = [{ $severity }] Manutenção programada concluída
mail-subject-rescheduled = [{ $severity }] Manutenção programada reagendada
mail-subject-cancelled = [{ $severity }] Manutenção programada cancelada
mail-headline-new = Foi confirmado um novo incidente.
mail-headline-maintenance-posted = Foi publicada uma manutenção programada.
mail-headline-updated = Um incidente foi atualizado.
mail-headline-resolved = Um incidente foi resolvido.
mail-headline-reminder = Uma manutenção programada vai começar em breve.
mail-headline-started = Uma manutenção programada começou.
mail-headline-completed = Uma manutenção programada foi concluída.
mail-headline-rescheduled = Uma manutenção programada foi reagendada.
mail-headline-cancelled = Uma manutenção programada foi cancelada.
opt-in-subject = Confirme a sua subscrição das atualizações de estado de { $system }
opt-in-asked = Alguém, esperamos que o próprio titular deste endereço, pediu para receber aqui atualizações de estado sobre { $system }.
opt-in-open = Para confirmar a sua subscrição, abra este link:
opt-in-valid = O link é válido durante { $hours } horas.
opt-in-ignore = Se não fez este pedido, ignore este e-mail: sem confirmação, não voltará a receber mensagens nossas.
already-subscribed-subject = Este endereço já subscreve as atualizações de estado de { $system }
already-subscribed-title = Já tem uma subscrição
already-subscribed-text = Este endereço já está subscrito: não precisa de fazer nada e continuará a receber as nossas atualizações.
already-subscribed-leave = Se já não as quiser receber, cancele a subscrição aqui:
