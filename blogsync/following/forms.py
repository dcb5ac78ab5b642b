from django import forms


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address such as name@example.org.",
        },
    )


class PreferencesForm(forms.Form):
    new_topics = forms.BooleanField(required=False, label="A new topic opens for sign-ups")
    list_published = forms.BooleanField(
        required=False, label="A topic's list of posts is published"
    )
    daily_digest = forms.BooleanField(
        required=False, label="A daily digest of the posts listed that day"
    )
