"""POST /api/v1/auth/token/: trade a username and password for an API token."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from podium.accounts.client_address import client_address
from podium.accounts.login_limits import login_failure_record, login_refusal

from .base import ApiError, PodiumAPIView
from .throttling import ClientAddressThrottle


class TokenObtainView(PodiumAPIView):
    # No session or token is needed (nor checked: CSRF would not apply to a password login).
    authentication_classes: list = []
    permission_classes = [AllowAny]
    # Password guessing: a few tries a minute per client address (REST_FRAMEWORK's "auth" rate),
    # and the failed-login limits of the login page, per address and per username.
    throttle_classes = [ClientAddressThrottle]
    throttle_scope = "auth"

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

        class Meta:
            ref_name = "TokenObtainInput"

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

        class Meta:
            ref_name = "TokenObtainOutput"

    @extend_schema(
        operation_id="auth_token_create",
        summary="Get your API token",
        description="Send it as `Authorization: Token <token>`; the same token each time.",
        request=InputSerializer,
        responses={200: OutputSerializer},
        auth=[],
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        address = client_address(request._request)
        refusal = login_refusal(address=address, username=username)
        if refusal is not None:
            raise ApiError(
                refusal, code="too_many_failures", status_code=status.HTTP_429_TOO_MANY_REQUESTS
            )
        user = authenticate(
            request._request, username=username, password=data.validated_data["password"]
        )
        if user is None:
            login_failure_record(address=address, username=username)
        if user is None or not user.is_active:
            raise ApiError(
                "Unable to log in with this username and password.",
                code="invalid_credentials",
                status_code=status.HTTP_400_BAD_REQUEST,
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response(self.OutputSerializer({"token": token.key}).data)
