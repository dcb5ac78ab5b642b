from django.urls import path

from blogsync.syncs import form_views, views

app_name = "syncs"

# Paths without a series come first, so that a series slug cannot shadow them.
urlpatterns = [
    path("", views.root, name="root"),
    path("contributors/<slug:slug>/", views.contributor_detail, name="contributor_detail"),
    path("signup/confirm/<str:token>/", form_views.confirm_signup, name="confirm_signup"),
    path("signup/new-link/", form_views.renew_signup_link, name="renew_signup_link"),
    path("signup/new-link/sent/", views.signup_link_sent, name="signup_link_sent"),
    path("<slug:series>/", views.series_home, name="series_home"),
    path("<slug:series>/archive/", views.archive, name="archive"),
    path("<slug:series>/propose/", form_views.propose, name="propose"),
    path("<slug:series>/propose/thanks/", views.propose_thanks, name="propose_thanks"),
    path("<slug:series>/help/writers/", views.help_writers, name="help_writers"),
    path("<slug:series>/help/readers/", views.help_readers, name="help_readers"),
    path("<slug:series>/<int:number>/", views.topic_detail, name="topic_detail"),
    path("<slug:series>/<int:number>/signup/", form_views.signup, name="signup"),
    path("<slug:series>/<int:number>/signup/thanks/", views.signup_thanks, name="signup_thanks"),
    path("<slug:series>/<int:number>/submit/", form_views.submit_entry, name="submit_entry"),
    path("<slug:series>/<int:number>/submit/title/", form_views.submit_title, name="submit_title"),
    path("<slug:series>/<int:number>/submit/thanks/", views.submit_thanks, name="submit_thanks"),
]
