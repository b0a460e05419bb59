"""GET /api/v1/me/: who the token belongs to, and the user's teams (`podium whoami`)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from podium.teams.models import Team

from .base import PodiumAPIView
from .errors import error_responses


class TeamSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()

    class Meta:
        ref_name = "MyTeam"


class MeView(PodiumAPIView):
    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        teams = TeamSerializer(many=True)

        class Meta:
            ref_name = "Me"

    @extend_schema(
        operation_id="me_retrieve",
        summary="The user of this token, with their teams",
        responses={200: OutputSerializer, **error_responses(401)},
    )
    def get(self, request):
        teams = Team.objects.of_user(request.user).order_by("name")
        body = {
            "username": request.user.get_username(),
            "teams": [{"slug": team.slug, "name": team.name} for team in teams],
        }
        return Response(self.OutputSerializer(body).data)
