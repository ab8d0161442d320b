from django.apps import AppConfig


def verify_directory_address(sender, instance, **kwargs):
    # django_auth_ldap saves the user at every directory login, before Django's
    # user_logged_in (where django_mailman3 links the addresses to Mailman).
    if getattr(instance, "ldap_user", None) is None or not instance.email:
        return
    from allauth.account.models import EmailAddress

    email = instance.email.lower()
    if EmailAddress.objects.filter(email__iexact=email).exclude(user=instance).exists():
        return  # someone signed up with it first; an admin sorts that out
    EmailAddress.objects.update_or_create(
        user=instance, email=email, defaults={"verified": True, "primary": True}
    )


class KonbitMailmanConfig(AppConfig):
    name = "konbit_mailman"
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        post_save.connect(verify_directory_address, sender=get_user_model(), weak=False)
