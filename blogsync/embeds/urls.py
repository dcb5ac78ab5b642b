from django.urls import path

from blogsync.embeds import api, oembed, share, webring, widget

app_name = "embeds"

topic = "<slug:series>/<int:number>/"

urlpatterns = [
    path("api/v1/openapi.json", api.openapi_document, name="api_openapi"),
    path("api/v1/series/", api.series_list, name="api_series_list"),
    path("api/v1/series/<slug:series>/", api.series_detail, name="api_series"),
    path("api/v1/series/<slug:series>/topics/", api.topic_list, name="api_topics"),
    path("api/v1/series/<slug:series>/topics/<int:number>/", api.topic_detail, name="api_topic"),
    path("api/v1/<path:rest>", api.unknown_path, name="api_unknown"),
    path("oembed", oembed.oembed, name="oembed"),
    path("embed/" + topic + "widget.js", widget.widget_script, name="widget_script"),
    path("embed/" + topic + "data.json", widget.widget_data, name="widget_data"),
    path("embed/" + topic + "frame/", widget.widget_frame, name="widget_frame"),
    path(topic + "share/", share.share, name="share"),
    path(topic + "previous", webring.previous_entry, name="previous"),
    path(topic + "next", webring.next_entry, name="next"),
    path(topic + "random", webring.random_entry, name="random"),
    path(topic + "list", webring.topic_list, name="list"),
]
