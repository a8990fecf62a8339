from cslab.notifications.models.notification import Notification
from cslab.notifications.models.preference import DailyDigestDelivery, NotificationPreference

__all__ = ["DailyDigestDelivery", "Notification", "NotificationPreference"]
