# monostat's fixed words, in English: the public page, its feeds, the subscription pages and the
# mails. Every other language's file has the same messages; a message missing there is shown in
# English. `{ $name }` is filled in by monostat; keep it, move it where your language needs it.
# Words in messages marked HTML may not contain markup of their own: write plain text.

## The language itself
# The language's name in itself, for the language switch.
language-name = العربية
# Text direction: ltr or rtl.
language-direction = rtl

## Dates and times. Lists are separated by commas, starting with January and with Monday.
month-names = يناير, فبراير, مارس, أبريل, مايو, يونيو, يوليو, أغسطس, سبتمبر, أكتوبر, نوفمبر, ديسمبر
# Month names as dates use them, "1 December 2026" (in languages with cases, often the genitive)
month-names-in-dates = يناير, فبراير, مارس, أبريل, مايو, يونيو, يوليو, أغسطس, سبتمبر, أكتوبر, نوفمبر, ديسمبر
month-abbreviations = يناير, فبراير, مارس, أبريل, مايو, يونيو, يوليو, أغسطس, سبتمبر, أكتوبر, نوفمبر, ديسمبر
weekday-names = الاثنين, الثلاثاء, الأربعاء, الخميس, الجمعة, السبت, الأحد
weekday-abbreviations = اثنين, ثلاثاء, أربعاء, خميس, جمعة, سبت, أحد
# "Monday, 1 December 2026"
date-long = { $weekday }، { $day } { $month } { $year }
# "1 December 2026"
date-medium = { $day } { $month } { $year }
# "1 Dec 2026, 14:05 CET" ($month is the abbreviation, $time is 24-hour HH:MM)
date-time = { $day } { $month } { $year }، { $time } { $zone }
# A calendar's month: "December 2026"
month-year = { $month } { $year }
# The decimal separator of numbers such as 99.958
decimal-separator = .
# A percentage such as "99.958 %"
percent = { $number }٪

## Severities and statuses of incidents
severity-maintenance = صيانة
severity-notice = إشعار
severity-bug = خلل معروف
severity-partial = انقطاع جزئي
severity-outage = انقطاع
status-planned = مخطط له
status-suspected = مشتبه به
status-dismissed = مستبعد
status-confirmed = مؤكد
status-watching = قيد المراقبة
status-resolved = تم الحل
phase-scheduled = مجدولة
phase-in-progress = قيد التنفيذ
phase-completed = مكتملة
phase-cancelled = ملغاة

## The state of the whole system, as the page's headline
headline-down = { $system } لا يعمل
headline-partial = { $system } غير متاح جزئيًا
headline-suspected = قد يواجه { $system } بعض المشكلات
headline-known-issue = يواجه { $system } مشكلة معروفة كبيرة
headline-up = { $system } يعمل بشكل طبيعي
headline-notice = { $system } يعمل بشكل طبيعي
headline-maintenance = يخضع { $system } لصيانة مخطط لها

## The accessible names of the state's icons
state-icon-down = متوقف
state-icon-partial = غير متاح جزئيًا
state-icon-suspected = مشكلات محتملة
state-icon-known-issue = مشكلة معروفة
state-icon-notice = يعمل، مع إشعارات
state-icon-maintenance = صيانة
state-icon-up = يعمل
icon-update = تحديث

## Every page
site-status = حالة { $system }
skip-to-content = الانتقال إلى المحتوى
nav-main = القائمة الرئيسية
nav-current-status = الحالة الحالية
nav-history = السجل
nav-languages = اللغات
feed-rss = موجز RSS
feed-atom = موجز Atom
feed-json = موجز JSON
feed-rss-title = حالة { $system } (RSS)
feed-atom-title = حالة { $system } (Atom)
feed-json-title = حالة { $system } (JSON Feed)
calendar-title = صيانة { $system } (iCalendar)
maintenance-calendar = تقويم الصيانة
subscribe = الاشتراك
legal-notice = إشعار قانوني
privacy = الخصوصية
# HTML: $link is a link to monostat
powered-by = بدعم من { $link }
see-current-status = عرض الحالة الحالية

## The status page
state-suspected-text = رصدت أنظمتنا الآلية مشكلة في التوفر. تم تنبيه فريقنا، وسيحدّث هذه الصفحة فور تأكيد المشكلة.
state-notice-text = الإشعارات الحالية معروضة أدناه.
state-details-text = التفاصيل معروضة أدناه.
# HTML: $contact is a link to an address or a phone number, or both joined by contact-or
state-up-contact = هل تواجه مشكلات؟ تواصل معنا عبر { $contact }.
# HTML
contact-or = { $email } أو { $phone }
current-incidents = الحوادث الجارية
recent-incidents = الحوادث الأخيرة
planned-maintenance = الصيانة المخطط لها
# HTML: $link is calendar-add as a link
calendar-add-line = { $link } (موجز iCalendar).
calendar-add = أضف الصيانة المخطط لها إلى تقويمك
# HTML: $time is a time
last-updated = آخر تحديث: { $time }.
see-earlier = عرض الحوادث السابقة

## Incidents
cancelled-maintenance = صيانة ملغاة
since = منذ
awaiting-information = لا تتوفر معلومات محددة بعد. تم تنبيه فريقنا، وسيحدّث هذه الصفحة فور توفر مزيد من المعلومات.
updates-newest-first = التحديثات، الأحدث أولًا
cancelled-strong = أُلغيت هذه الصيانة.
cancelled-rest = لن تُجرى كما أُعلن عنها.
# HTML: $day is a date
everything-on = كل ما حدث في { $day }

## Days and the history
day-incidents = { $count ->
    [0] لا شيء للإبلاغ عنه.
    [zero] لا توجد حوادث
    [one] حادثة واحدة
    [two] حادثتان
    [few] { $count } حوادث
    [many] { $count } حادثة
   *[other] { $count } حادثة
}
back-to-history = العودة إلى السجل
history = السجل
legend = دليل الرموز
no-incidents = لا توجد حوادث
# A day of the calendar: "1 December 2026: Outage"
day-worst = { $day }: { $severity }
day-quiet = { $day }: لا توجد حوادث
day-uptime = { $what }، نسبة التوفر { $percent }
uptime = نسبة التوفر
uptime-last-days = آخر { $days } يومًا: { $percent }
uptime-rule = تُحتسب الانقطاعات كاملةً والانقطاعات الجزئية بنسبة 30 ٪؛ ولا تُحتسب الصيانة والإشعارات. يعرض السجل نسبة التوفر لكل يوم.

## The address of a dismissed incident (a false alarm), shared while it was suspected
incident-closed-title = الحادثة مغلقة
incident-closed-text = كانت هذه الحادثة إنذارًا كاذبًا، أو اكتُشف تلقائيًا أنها حُلّت ولم يُضف فريقنا إليها مزيدًا من المعلومات بعد.
incident-closed-link = عرض الحالة الحالية للنظام

## Errors
not-found-title = الصفحة غير موجودة
not-found-text = لا يوجد شيء على هذا العنوان. ربما أُزيلت الحادثة، أو ربما كُتب الرابط بشكل خاطئ.
no-incident-here = لا توجد حادثة على هذا العنوان.
busy-title = ضغط كبير حاليًا
busy-text = يتصفح كثير من الأشخاص هذا الموقع في الوقت الحالي. يُرجى المحاولة مرة أخرى بعد بضع ثوانٍ؛ الحالة الحالية معروضة في الصفحة الرئيسية.

## Feeds
feed-description = الحوادث وأعمال الصيانة في { $system }
meta-status = { $headline }. الحوادث الحالية والصيانة المخطط لها وسجل { $system }.
meta-history = حوادث { $system } وأعمال صيانته خلال الاثني عشر شهرًا الماضية، يومًا بيوم.
meta-subscribe = احصل على رسالة من { $system } عند تأكيد حادثة أو تغيّرها أو حلّها، وعند التخطيط لصيانة.

## Subscribing
subscribe-heading = الإشعارات عبر البريد الإلكتروني
subscribe-intro = نرسل إليك رسالة بريد إلكتروني عند تأكيد حادثة أو تغيّرها أو حلّها، وعند التخطيط لصيانة.
email-label = عنوان البريد الإلكتروني
consent = أوافق على الاحتفاظ بعنواني فقط لإرسال إشعارات إليّ بشأن الحوادث الجديدة أو المعدّلة. ويمكنني سحب موافقتي في أي وقت عبر رابط إلغاء الاشتراك الموجود في كل رسالة.
# HTML: $link is privacy-policy as a link
consent-privacy = راجع { $link }.
privacy-policy = سياسة الخصوصية
subscribe-button = اشترك
try-again-title = يُرجى المحاولة مرة أخرى
form-expired = انتهت صلاحية هذا النموذج أو أُرسل من موقع آخر. يُرجى الرجوع وإعادة تحميل الصفحة ثم إرساله مرة أخرى.
too-many-title = محاولات كثيرة جدًا
too-many-text = وردت طلبات اشتراك كثيرة جدًا من شبكتك. يُرجى المحاولة مرة أخرى بعد بضع دقائق.
consent-missing = يُرجى تأكيد موافقتك على احتفاظنا بعنوانك لإرسال الإشعارات.
email-empty = يُرجى إدخال عنوان بريد إلكتروني.
email-too-long = عنوان البريد الإلكتروني هذا طويل جدًا.
email-not-bare = يُرجى إدخال العنوان نفسه فقط، مثل name@example.com، دون اسم أو فواصل أسطر.
email-malformed = لا يبدو هذا عنوان بريد إلكتروني؛ يُرجى التحقق منه.
subscribe-busy = يشترك كثير من الأشخاص في الوقت الحالي، ولا نرسل سوى عدد محدود من رسائل التأكيد في الساعة. يُرجى المحاولة مرة أخرى بعد { $minutes ->
    [one] دقيقة واحدة
    [two] دقيقتين
    [few] { $minutes } دقائق
    [many] { $minutes } دقيقة
   *[other] { $minutes } دقيقة
}.
check-inbox-title = يُرجى التحقق من بريدك الوارد
check-inbox-text = نرسل رسالة تحتوي على رابط إلى العنوان الذي أدخلته. افتحها وأكّد اشتراكك؛ ولن تتلقى أي إشعارات حتى ذلك الحين.
check-inbox-limits = لم يصلك شيء بعد بضع دقائق؟ يُرجى التحقق من مجلد الرسائل غير المرغوب فيها. وحتى لا يُستخدم هذا النموذج ضد البريد الوارد لأي شخص، لا نرسل إلى العنوان الواحد أكثر من { $mails } من هذه الرسائل يوميًا، ويبقى كل رابط صالحًا لمدة { $hours } ساعة.
subscribed-title = تم اشتراكك
subscribed-text = من الآن فصاعدًا سنراسلك عند تأكيد حادثة أو تغيّرها أو حلّها. وتحتوي كل رسالة على رابط لإلغاء الاشتراك.
link-invalid-title = الرابط غير صالح
link-invalid-text = هذا الرابط غير صالح (أو لم يعد صالحًا). إذا كنت قد ألغيت اشتراكك بالفعل، فلا حاجة إلى أي إجراء آخر.
confirm-title = أكّد اشتراكك
confirm-text = نقرة واحدة أخرى: أكّد أنك تريد تلقي تحديثات الحالة على هذا العنوان.
confirm-button = تأكيد الاشتراك
link-expired-title = انتهت صلاحية هذا الرابط
link-expired-text = تبقى روابط التأكيد صالحة لمدة { $hours } ساعة، وهذا الرابط أقدم من ذلك؛ لم نسجّل اشتراك هذا العنوان.
link-expired-again = إذا كنت لا تزال ترغب في تلقي تحديثات الحالة عبر البريد الإلكتروني، فيُرجى الاشتراك مرة أخرى: ستتلقى رابطًا جديدًا.
already-confirmed-title = تم التأكيد مسبقًا
already-confirmed-text = اشتراكك مؤكد بالفعل؛ لا حاجة إلى أي إجراء آخر.
unsubscribe-title = إلغاء الاشتراك
unsubscribe-question = هل تريد التوقف عن تلقي تحديثات الحالة عبر البريد الإلكتروني؟
unsubscribe-button = إلغاء الاشتراك
unsubscribed-title = تم إلغاء اشتراكك
unsubscribed-text = لن تتلقى بعد الآن أي تحديثات للحالة عبر البريد الإلكتروني.
unsubscribed-deleted = لن تتلقى بعد الآن أي تحديثات للحالة عبر البريد الإلكتروني. لقد حذفنا عنوانك.

## Mails
mail-from = حالة نظام { $system }
mail-status = الحالة
mail-severity = الخطورة
mail-window = الموعد
mail-update = تحديث
mail-summary = ملخص
mail-continued = التتمة في صفحة الحالة.
mail-details = التفاصيل على صفحة الحالة
mail-details-text = التفاصيل: { $url }
# HTML: $link is mail-calendar-link as a link
mail-calendar = أضفها إلى تقويمك باستخدام الملف المرفق maintenance.ics، أو { $link }.
mail-calendar-link = اشترك في جميع أعمال الصيانة المخطط لها
mail-calendar-text = التقويم: الملف المرفق maintenance.ics، أو اشترك في { $url }
mail-why = تتلقى هذه الرسالة لأنك اشتركت في تحديثات حالة { $system }.
mail-unsubscribe = إلغاء الاشتراك
mail-subject-new = [{ $severity }] تأكيد حادثة جديدة
mail-subject-maintenance-posted = [{ $severity }] الإعلان عن صيانة مخطط لها
mail-subject-updated = [{ $severity }] [{ $status }] تحديث حادثة
mail-subject-reminder = [{ $severity }] تذكير: صيانة مخطط لها
mail-subject-started = [{ $severity }] بدء الصيانة المخطط لها
mail-subject-completed = [{ $severity }] اكتمال الصيانة المخطط لها
mail-subject-rescheduled = [{ $severity }] تغيير موعد الصيانة المخطط لها
mail-subject-cancelled = [{ $severity }] إلغاء الصيانة المخطط لها
mail-headline-new = تم تأكيد حادثة جديدة.
mail-headline-maintenance-posted = تم الإعلان عن صيانة مخطط لها.
mail-headline-updated = تم تحديث حادثة.
mail-headline-resolved = تم حل حادثة.
mail-headline-reminder = اقترب موعد صيانة مخطط لها.
mail-headline-started = بدأت صيانة مخطط لها.
mail-headline-completed = اكتملت صيانة مخطط لها.
mail-headline-rescheduled = تم تغيير موعد صيانة مخطط لها.
mail-headline-cancelled = تم إلغاء صيانة مخطط لها.
opt-in-subject = يُرجى تأكيد اشتراكك في تحديثات حالة { $system }
opt-in-asked = طلب شخصٌ ما، نأمل أن يكون أنت، تلقي تحديثات حالة { $system } على هذا العنوان.
opt-in-open = لتأكيد اشتراكك، افتح هذا الرابط:
opt-in-valid = يبقى الرابط صالحًا لمدة { $hours } ساعة.
opt-in-ignore = إذا لم تكن أنت من طلب ذلك، فتجاهل هذه الرسالة: لن تتلقى منا أي رسائل أخرى دون تأكيد.
already-subscribed-subject = أنت مشترك بالفعل في تحديثات حالة { $system }
already-subscribed-title = أنت مشترك بالفعل
already-subscribed-text = هذا العنوان مشترك بالفعل: لا حاجة إلى أي إجراء، وستستمر في تلقي تحديثاتنا.
already-subscribed-leave = إذا لم تعد ترغب فيها، يمكنك إلغاء الاشتراك من هنا:
