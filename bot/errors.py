"""One exception tree for the whole engine.

Every error that can reach a user carries a short Arabic message and an English one; the
CLI prints both, the bot sends the Arabic one (or English when the settings ask for it).
"""

from __future__ import annotations


class NashirError(Exception):
    """Base of every error Nashir raises on purpose."""

    message_ar: str = "حدث خطأ غير متوقع."
    message_en: str = "An unexpected error occurred."

    def __init__(self, detail: str = "", *, message_ar: str | None = None) -> None:
        super().__init__(detail or self.message_en)
        self.detail = detail
        if message_ar is not None:
            self.message_ar = message_ar

    def one_line(self) -> str:
        """Arabic and English reason on one line, for the CLI."""
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.message_ar} — {self.message_en}{extra}"


class SettingsError(NashirError):
    message_ar = "إعدادات غير صالحة."
    message_en = "Invalid settings."


class InputError(NashirError):
    """The user gave us something we cannot work with."""

    message_ar = "المدخل غير صالح."
    message_en = "Invalid input."


class EmptyTextError(InputError):
    message_ar = "النص فارغ أو لا يحتوي على كلمات يمكن تلخيصها."
    message_en = "The text is empty or has no words to summarise."


class SourceNotFoundError(InputError):
    message_ar = "المصدر ليس رابطاً ولا ملفاً موجوداً."
    message_en = "The source is neither a web link nor an existing file."


class FileEncodingError(InputError):
    message_ar = "تعذرت قراءة الملف: ترميزه ليس UTF-8."
    message_en = "The file could not be read: it is not UTF-8."


class SourceUnreadableError(InputError):
    message_ar = "تعذرت قراءة الملف المطلوب (مجلد أو ملف محمي)."
    message_en = "The source file could not be read (a folder, or no permission)."


class OutputError(NashirError):
    """The results could not be written where the user asked."""

    message_ar = "تعذرت كتابة النتائج في مجلد الإخراج."
    message_en = "The results could not be written to the output folder."


class StorageError(NashirError):
    message_ar = "تعذر فتح قاعدة البيانات: تحقق من DATABASE_URL (المسار وصلاحياته أو الخادم)."
    message_en = (
        "The database could not be opened (check DATABASE_URL: the file's folder, or the server)."
    )


class FetchError(NashirError):
    """Anything that went wrong while downloading a page."""

    message_ar = "تعذر تحميل الصفحة."
    message_en = "The page could not be downloaded."


class InvalidURLError(FetchError):
    message_ar = "الرابط غير صالح."
    message_en = "The link is not a valid web address."


class BlockedAddressError(FetchError):
    message_ar = "هذا الرابط يشير إلى عنوان داخلي أو خاص، ولا يمكن فتحه."
    message_en = "The link points to a private or internal address and was refused."


class UnreachableError(FetchError):
    message_ar = "تعذر الوصول إلى الموقع."
    message_en = "The site could not be reached."


class FetchTimeoutError(FetchError):
    message_ar = "انتهت مهلة تحميل الصفحة."
    message_en = "The page took too long to load."


class HTTPStatusError(FetchError):
    message_ar = "الموقع أجاب بخطأ."
    message_en = "The site answered with an error."

    def __init__(self, status: int) -> None:
        super().__init__(
            f"HTTP {status}",
            message_ar=(
                "الصفحة غير موجودة (404)."
                if status == 404
                else f"الموقع أجاب برمز الخطأ {status}."
            ),
        )
        self.status = status


class TooLargeError(FetchError):
    message_ar = "الصفحة أكبر من الحد المسموح به."
    message_en = "The page is larger than the allowed size."


class UnsupportedEncodingError(FetchError):
    message_ar = "الموقع أرسل الصفحة بضغط غير مدعوم أو تالف."
    message_en = "The site sent the page with an unsupported or corrupt compression."


class UnsupportedContentError(FetchError):
    message_ar = "الرابط لا يشير إلى صفحة ويب (قد يكون ملف PDF أو صورة)."
    message_en = "The link is not a web page (it may be a PDF or an image)."


class NotAFeedError(FetchError):
    message_ar = "هذا الرابط ليس خلاصة أخبار (RSS أو Atom): يبدو صفحة ويب أو ملفاً آخر."
    message_en = "This address is not a news feed (RSS or Atom)."


class NotAnArticleError(InputError):
    message_ar = "لم نجد مقالاً في هذه الصفحة."
    message_en = "No article was found on this page."


class NotProseError(NotAnArticleError):
    message_ar = (
        "هذا النص لا يبدو مقالاً صحفياً: يشبه ملف إعدادات أو شيفرة أو قائمة. "
        "أرسل رابط المقال أو نصه."
    )
    message_en = (
        "This does not read like an article (it looks like code, settings or a list). "
        "Send the article's link or its text."
    )


class NotArabicError(NotAnArticleError):
    message_ar = "هذا البوت يعدّ منشورات باللغة العربية، وهذا المقال ليس بالعربية."
    message_en = "Nashir writes Arabic posts, and this article is not in Arabic."


class CompositionError(NashirError):
    """A draft could not be made to fit its platform: a bug, never user input."""

    message_ar = "تعذر إعداد النص لهذه المنصة."
    message_en = "The post could not be composed for this platform."


class CardError(NashirError):
    message_ar = "تعذر إنشاء بطاقة المشاركة."
    message_en = "The share card could not be rendered."


class PublishError(NashirError):
    """Posting to a platform did not succeed; the subclass says whether anything left."""

    message_ar = "تعذر النشر على المنصة."
    message_en = "Publishing to the platform failed."


class PublishRetryLater(PublishError):
    """The platform asked us to wait (429): nothing was posted."""

    message_ar = "المنصة طلبت الانتظار قبل النشر."
    message_en = "The platform asked to wait before posting."

    def __init__(self, detail: str = "", *, retry_after: float) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class PublishNotSent(PublishError):
    """A transient failure before the platform accepted anything (refused connection, 5xx)."""

    message_ar = "تعذر الوصول إلى المنصة مؤقتاً."
    message_en = "The platform could not be reached for now."


class PublishOutcomeUnknown(PublishError):
    """The request may have reached the platform (a timeout after sending): never resend it
    blindly."""

    message_ar = "لا نعرف إن كان المنشور قد وصل إلى المنصة."
    message_en = "It is not known whether the post reached the platform."


class PublishRejected(PublishError):
    """A permanent refusal (credentials, bad media, duplicate text): an editor must act."""

    message_ar = "رفضت المنصة المنشور."
    message_en = "The platform refused the post."

    def __init__(
        self, detail: str = "", *, message_ar: str | None = None, duplicate: bool = False
    ) -> None:
        super().__init__(detail, message_ar=message_ar)
        self.duplicate = duplicate


class NewsroomError(InputError):
    """An editor's action that cannot be carried out as asked."""

    message_ar = "تعذر تنفيذ هذا الإجراء."
    message_en = "This action could not be carried out."


class NotAuthorizedError(NewsroomError):
    message_ar = "غير مصرح لك"
    message_en = "You are not allowed to do this."


class StaleButtonError(NewsroomError):
    message_ar = "انتهت صلاحية هذه الأزرار، استعمل الرسالة الأحدث"
    message_en = "These buttons are out of date; use the latest message."


class TextTooLongError(NewsroomError):
    message_en = "The text is over the platform's limit."

    def __init__(self, *, platform_ar: str, count: int, limit: int, unit_ar: str) -> None:
        super().__init__(
            f"{count} > {limit}",
            message_ar=(
                f"النص أطول من حد {platform_ar}: {count} من {limit} {unit_ar}. "
                "اختصره وأرسله من جديد؛ لم يتغير شيء."
            ),
        )
        self.count = count
        self.limit = limit


class TooManyRedirectsError(FetchError):
    message_ar = "الرابط يعيد التوجيه مرات كثيرة جداً."
    message_en = "The link redirects too many times."
