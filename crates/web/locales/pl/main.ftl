# Ratusz — Polish (default). Plain Polish: short sentences, say what to do.

skip-to-content = Przejdź do treści
nav-label = Menu główne
nav-home = Strona główna
nav-panel = Panel pracownika
nav-account = Moje konto
nav-sign-out = Wyloguj
nav-sign-in = Zaloguj się
nav-sign-up = Załóż konto
lang-switch = English
footer-text = Ratusz — cyfrowy urząd gminy. Oprogramowanie otwarte.

error-code = Kod błędu
error-back-home = Wróć na stronę główną
form-has-errors = Popraw zaznaczone pola

home-title = Witamy w e-urzędzie: { $office }
home-lead = Tu załatwisz sprawy urzędowe przez internet, o każdej porze.
home-services-title = Sprawy do załatwienia
home-services-soon = Katalog e-usług pojawi się tutaj wkrótce.
home-signed-in-as = Jesteś zalogowany jako { $name }.
home-account-title = Konto w portalu
home-account-text = Załóż konto, aby składać wnioski i śledzić swoje sprawy.

sign-in-title = Logowanie
field-email = Adres e-mail
field-password = Hasło
sign-in-button = Zaloguj się
forgot-link = Nie pamiętasz hasła?
no-account = Nie masz konta?
login-bad-credentials = Adres e-mail lub hasło są nieprawidłowe. Sprawdź je i spróbuj ponownie.
login-not-verified = Najpierw potwierdź adres e-mail: kliknij link z wiadomości, którą wysłaliśmy po założeniu konta.
login-signed-out = Wylogowano.

mfa-title = Weryfikacja dwuetapowa
mfa-intro = Otwórz aplikację uwierzytelniającą w telefonie i wpisz kod dla konta w urzędzie.
field-totp-code = Kod z aplikacji
mfa-code-hint = 6 cyfr. Jeśli nie masz telefonu, wpisz jeden z kodów zapasowych.
mfa-button = Potwierdź
mfa-bad-code = Kod jest nieprawidłowy lub wygasł. Wpisz aktualny kod z aplikacji albo kod zapasowy.

setup-title = Włącz weryfikację dwuetapową
setup-intro = Pracownicy urzędu logują się hasłem i kodem z telefonu. To chroni dane mieszkańców, nawet gdy ktoś pozna hasło.
setup-step-app = Zainstaluj w telefonie aplikację uwierzytelniającą (np. FreeOTP, Aegis, Google Authenticator, Microsoft Authenticator).
setup-step-scan = Zeskanuj kod QR albo wpisz ręcznie klucz podany pod kodem.
setup-step-code = Wpisz 6-cyfrowy kod, który pokaże aplikacja.
setup-qr-alt = Kod QR do dodania konta w aplikacji uwierzytelniającej
setup-manual = Klucz do wpisania ręcznie:
setup-button = Włącz weryfikację dwuetapową

recovery-title = Kody zapasowe
recovery-intro = Weryfikacja dwuetapowa jest włączona. Zapisz te kody w bezpiecznym miejscu. Każdy kod działa jeden raz, gdy nie masz telefonu.
recovery-warning = Kody widzisz tylko teraz. Nie przechowuj ich w telefonie z aplikacją.
recovery-continue = Przejdź dalej

signup-title = Załóż konto
signup-intro = Konto pozwala składać wnioski, śledzić sprawy i odbierać pisma z urzędu.
field-display-name = Imię i nazwisko
password-hint = Co najmniej 12 znaków. Najlepiej kilka słów, np. „zielona łąka nad rzeką”.
field-password-confirm = Powtórz hasło
signup-button = Załóż konto
signup-done-title = Sprawdź skrzynkę e-mail
signup-done-text = Wysłaliśmy wiadomość z linkiem. Kliknij go, aby potwierdzić adres e-mail i dokończyć zakładanie konta.
signup-done-text2 = Nie widzisz wiadomości? Sprawdź folder „Spam” lub poczekaj kilka minut.

verify-done-title = Adres e-mail potwierdzony
verify-done-text = Dziękujemy. Możesz się teraz zalogować.

forgot-title = Nie pamiętasz hasła?
forgot-intro = Podaj adres e-mail konta. Wyślemy link do ustawienia nowego hasła.
forgot-button = Wyślij link
forgot-done-title = Sprawdź skrzynkę e-mail
forgot-done-text = Jeśli konto z tym adresem istnieje, wysłaliśmy na nie link do ustawienia nowego hasła. Link jest ważny 1 godzinę.

reset-title = Ustaw nowe hasło
field-new-password = Nowe hasło
reset-button = Zapisz nowe hasło
reset-done-title = Hasło zmienione
reset-done-text = Nowe hasło jest zapisane. Wylogowaliśmy Cię ze wszystkich urządzeń. Zaloguj się nowym hasłem.

account-title = Moje konto
account-mfa = Weryfikacja dwuetapowa
account-mfa-on = włączona
account-mfa-off = wyłączona
account-enable-mfa = Włącz weryfikację dwuetapową
account-sessions-title = Zalogowane urządzenia
account-sessions-text = Jeśli logowałeś się na obcym komputerze albo zgubiłeś telefon, wyloguj się ze wszystkich urządzeń.
account-sign-out-everywhere = Wyloguj ze wszystkich urządzeń

admin-nav-label = Menu panelu
panel-home = Pulpit
admin-units = Komórki organizacyjne
admin-users = Pracownicy
admin-outbox = Wysłane wiadomości
admin-audit = Dziennik zdarzeń

panel-title = Panel pracownika
panel-welcome = Dzień dobry, { $name }.
panel-roles = Twoje uprawnienia
panel-more-soon = Rejestry, sprawy i zadania pojawią się tutaj w kolejnych wersjach.

units-title = Komórki organizacyjne
units-caption = Komórki organizacyjne urzędu
field-symbol = Symbol
field-name = Nazwa
units-new = Nowa komórka
symbol-hint = Krótki symbol z wielkich liter, np. GK. Pojawi się w znakach spraw.
units-add-button = Dodaj komórkę
unit-created = Dodano komórkę { $symbol }.

users-title = Pracownicy
users-caption = Konta pracowników urzędu
users-roles = Role
users-actions = Działania
users-reset-mfa = Wyzeruj weryfikację dwuetapową
users-new = Nowe konto pracownika
field-temp-password = Hasło tymczasowe
temp-password-hint = Co najmniej 12 znaków. Przekaż je pracownikowi osobiście; przy pierwszym logowaniu włączy weryfikację dwuetapową.
field-role = Rola
field-unit = Komórka
unit-hint = Referent i kierownik muszą mieć komórkę.
unit-none = (cały urząd)
users-create-button = Utwórz konto
user-created = Utworzono konto { $email }.
mfa-reset-done = Wyzerowano weryfikację dwuetapową konta { $email }. Przy następnym logowaniu pracownik włączy ją ponownie.

role-clerk = Referent
role-manager = Kierownik
role-registrar = Kancelaria
role-admin = Administrator
role-resident = Mieszkaniec

outbox-title = Wysłane wiadomości
outbox-smtp-on = Wiadomości są wysyłane przez skonfigurowany serwer poczty (SMTP).
outbox-smtp-off = Serwer poczty (SMTP) nie jest skonfigurowany: wiadomości czekają tutaj i nie są wysyłane.
outbox-empty = Brak wiadomości.
outbox-caption = Wiadomości e-mail, od najnowszych
outbox-when = Kiedy
outbox-to = Do
outbox-subject = Temat
outbox-status = Stan
mail-status-queued = w kolejce
mail-status-sent = wysłana
mail-status-held = w skrzynce nadawczej
mail-status-failed = błąd

audit-title = Dziennik zdarzeń
audit-chain-title = Integralność dziennika
audit-chain-ok = Dziennik jest nienaruszony: { $count } zdarzeń, każde powiązane z poprzednim.
audit-chain-bad = UWAGA: dziennik został zmieniony. { $detail }
audit-caption = Ostatnie zdarzenia, od najnowszych
audit-actor = Kto
audit-action = Działanie
audit-object = Obiekt

error-not-found-title = Nie ma takiej strony
error-not-found-body = Strona nie istnieje albo została przeniesiona. Sprawdź adres.
error-unknown-tenant-title = Nieznana gmina
error-unknown-tenant-body = Pod tym adresem nie działa żaden urząd. Sprawdź adres strony albo skontaktuj się z administratorem.
error-csrf-title = Formularz wygasł
error-csrf-body = Ze względów bezpieczeństwa formularz stracił ważność. Wróć, odśwież stronę i wyślij go ponownie.
error-forbidden-title = Brak dostępu
error-forbidden-body = Nie masz uprawnień do tej strony. Zaloguj się na właściwe konto albo poproś administratora o uprawnienia.
error-too-large-title = Za dużo danych
error-too-large-body = Przesłany formularz jest za duży. Skróć treść i spróbuj ponownie.
error-bad-form-title = Nieprawidłowy formularz
error-bad-form-body = Nie udało się odczytać formularza. Wróć, odśwież stronę i spróbuj ponownie.
error-method-title = Niedozwolona operacja
error-method-body = Tej strony nie można użyć w ten sposób. Wróć i skorzystaj z linków lub przycisków na stronie.
error-internal-title = Wystąpił błąd
error-internal-body = Coś poszło nie tak po naszej stronie. Nic z tego, co zapisano wcześniej, nie zginęło. Spróbuj ponownie za chwilę.
error-token-title = Link jest nieważny
error-token-body = Link wygasł albo został już użyty. Poproś o nowy.
error-throttled-title = Zbyt wiele prób
error-throttled-body = Było zbyt wiele nieudanych prób logowania. Odczekaj 15 minut i spróbuj ponownie albo ustaw nowe hasło.
error-unavailable-title = Usługa chwilowo niedostępna
error-unavailable-body = Nie możemy teraz obsłużyć żądania. Spróbuj ponownie za kilka minut.

api-unauthenticated = Brak ważnego tokenu. Dodaj nagłówek Authorization: Bearer z tokenem API.
api-forbidden = Token nie ma uprawnień do tej operacji.
api-not-found = Nie znaleziono zasobu.
api-malformed-json = Treść żądania nie jest poprawnym JSON-em zgodnym ze schematem.
api-too-large = Treść żądania jest za duża.
api-invalid = Dane są nieprawidłowe; zobacz listę pól.
api-throttled = Zbyt wiele prób. Spróbuj później.
api-conflict = Zasób już istnieje lub jest w sprzecznym stanie.
api-unavailable = Usługa chwilowo niedostępna.
api-internal = Błąd wewnętrzny. Spróbuj ponownie.
api-malformed-query = Parametry w adresie są nieprawidłowe; sprawdź ich nazwy i wartości.

users-status = Stan
users-active = aktywne
users-disabled = wyłączone
users-disable = Wyłącz konto
users-enable = Włącz konto
user-disabled = Wyłączono konto { $email }. Jego sesje zostały zakończone, a tokeny API przestały działać.
user-enabled = Włączono konto { $email }.
roles-grant-title = Nadaj rolę
roles-grant-intro = Pracownik może mieć kilka ról, np. referent w jednej komórce i kierownik w innej.
field-user = Pracownik
roles-grant-button = Nadaj rolę
role-granted = Nadano rolę pracownikowi { $email }.
account-change-password = Zmień hasło
password-change-title = Zmiana hasła
field-current-password = Obecne hasło
password-change-button = Zmień hasło
password-changed = Hasło zmienione. Wylogowaliśmy Cię ze wszystkich innych urządzeń.

action-api-token-create = Utworzenie tokenu API
action-api-token-revoke = Odwołanie tokenu API
action-auth-password-accepted = Hasło przyjęte (czeka na kod)
action-auth-second-factor-failed = Błędny kod weryfikacji dwuetapowej
action-auth-sign-in = Zalogowanie
action-auth-sign-in-failed = Nieudane logowanie
action-auth-sign-out = Wylogowanie
action-auth-sign-out-everywhere = Wylogowanie ze wszystkich urządzeń
action-jobs-retry-dead = Ponowienie nieudanych zadań
action-role-grant = Nadanie roli
action-tenant-create = Utworzenie gminy
action-unit-create = Utworzenie komórki
action-user-create = Utworzenie konta
action-user-disable = Wyłączenie konta
action-user-email-verified = Potwierdzenie adresu e-mail
action-user-enable = Włączenie konta
action-user-mfa-reset = Wyzerowanie weryfikacji dwuetapowej
action-user-password-change = Zmiana hasła
action-user-password-reset = Ustawienie nowego hasła z linku
action-user-password-reset-requested = Prośba o link do nowego hasła
action-user-signup = Założenie konta mieszkańca
action-user-totp-enabled = Włączenie weryfikacji dwuetapowej
audit-head = Dziennik ma { $count } zdarzeń. Skrót ostatniego zdarzenia:
audit-verify-link = Sprawdź integralność całego dziennika
audit-older = Starsze zdarzenia
audit-newest = Najnowsze zdarzenia
