// Once django-otp-webauthn has added a passkey, go on: to the recovery codes after the
// first one, else back to the list (templates/staff/overview.html, form#passkey-done).
document.addEventListener("otp_webauthn.register_complete", function () {
  document.getElementById("passkey-done").submit();
});
