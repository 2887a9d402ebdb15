from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    DIRECTOR = "director", _("大客户部主任")
    MANAGER = "manager", _("客户经理")
    EXECUTIVE = "executive", _("公司领导")
    ADMIN = "admin", _("系统管理员")
