// The pages the WCAG check visits. A new capability appends its pages here.
//
// Fields:
//   path    the address to open, relative to RATUSZ_E2E_BASE_URL
//   label   how failures name the page
//   status  the HTTP status of the final response (after redirects); default 200
//   lang    the expected <html lang> prefix; default 'pl'

/** Pages anyone can open without signing in. */
export const publicPages = [
  { path: '/', label: 'strona główna' },
  { path: '/login', label: 'logowanie' },
  { path: '/signup', label: 'zakładanie konta' },
  { path: '/password/forgot', label: 'przypomnienie hasła' },
  // A GET that sets the language cookie and redirects back to `back`.
  { path: '/lang/en?back=/', label: 'home page in English', lang: 'en' },
  { path: '/no-such-page', label: 'strona 404', status: 404 },
  { path: '/signup/done', label: 'po założeniu konta' },
  { path: '/password/forgot/done', label: 'po wysłaniu linku do hasła' },
  { path: '/password/reset?token=e2e-not-a-real-token', label: 'ustawianie nowego hasła' },
  { path: '/password/reset/done', label: 'hasło zmienione' },
  { path: '/verify-email?token=e2e-expired', label: 'nieważny link weryfikacyjny', status: 400 },
  { path: '/panel', label: 'panel bez logowania (przekierowanie do logowania)' },
  // The residents' portal: catalogue, cards, status without an account.
  { path: '/services', label: 'e-usługi: katalog' },
  { path: '/services?q=drzewo', label: 'e-usługi: wyniki wyszukiwania' },
  { path: '/services?q=xyzzy', label: 'e-usługi: brak wyników' },
  { path: '/services/wycinka-drzew', label: 'e-usługi: karta usługi (wycinka drzew)' },
  { path: '/services/informacja-publiczna', label: 'e-usługi: karta usługi (informacja publiczna)' },
  { path: '/services/wycinka-drzew/apply', label: 'e-usługi: formularz bez logowania (logowanie)' },
  { path: '/status', label: 'stan sprawy bez logowania' },
  { path: '/deklaracja-dostepnosci', label: 'deklaracja dostępności' },
  { path: '/ostrzezenia', label: 'ostrzeżenia dla mieszkańców' },
  { path: '/ostrzezenia/subskrypcja', label: 'zapis na ostrzeżenia' },
  { path: '/lang/en?back=/deklaracja-dostepnosci', label: 'accessibility statement in English', lang: 'en' },
  { path: '/lang/en?back=/services', label: 'e-services catalogue in English', lang: 'en' },
];

/** Staff panel pages, checked after the demo administrator has signed in. */
export const staffPages = [
  { path: '/panel', label: 'panel: start' },
  { path: '/panel/admin/units', label: 'panel: komórki organizacyjne' },
  { path: '/panel/admin/users', label: 'panel: konta pracowników' },
  { path: '/panel/admin/tokens', label: 'panel: tokeny API' },
  { path: '/panel/admin/outbox', label: 'panel: poczta wychodząca' },
  { path: '/panel/admin/alert-feeds', label: 'panel: kanały ostrzeżeń innych służb' },
  { path: '/panel/admin/audit', label: 'panel: dziennik zdarzeń' },
  { path: '/panel/admin/audit?verify=1', label: 'panel: sprawdzenie dziennika' },
  { path: '/panel/admin/audit?before=5', label: 'panel: starsze zdarzenia' },
  // The registry (EZD): registers, cases, search, file plan, templates, archive. Pages of one
  // item, case or document are checked by tests/registry.test.mjs, which creates them.
  { path: '/panel/work', label: 'panel: moja praca' },
  { path: '/panel/incoming', label: 'panel: rejestr przesyłek wpływających' },
  { path: '/panel/incoming?q=nic-takiego&year=2026&channel=paper&kind=letter', label: 'panel: rejestr wpływów z filtrami' },
  { path: '/panel/incoming/new', label: 'panel: rejestracja przesyłki' },
  { path: '/panel/outgoing', label: 'panel: rejestr przesyłek wychodzących' },
  { path: '/panel/cases/new', label: 'panel: nowa sprawa' },
  { path: '/panel/case-index', label: 'panel: spis spraw' },
  { path: '/panel/search', label: 'panel: wyszukiwanie' },
  { path: '/panel/search?q=zaj%C4%99cie+pasa+drogowego', label: 'panel: wyniki wyszukiwania' },
  { path: '/panel/search?q=xyzzy-nic-takiego', label: 'panel: wyszukiwanie bez wyników' },
  { path: '/panel/file-plan', label: 'panel: wykaz akt (JRWA)' },
  { path: '/panel/templates', label: 'panel: szablony pism' },
  { path: '/panel/archive', label: 'panel: archiwum zakładowe' },
  { path: '/panel/incoming/00000000-0000-7000-8000-000000000000', label: 'panel: nieznana przesyłka', status: 404 },
  { path: '/panel/admin/services', label: 'panel: e-usługi' },
  { path: '/panel/admin/accessibility', label: 'panel: deklaracja dostępności' },
  { path: '/panel/admin/intake', label: 'panel: robot wpływu (reguły, model)' },
  { path: '/panel/alerts', label: 'panel: ostrzeżenia' },
  { path: '/panel/alerts/new?template=flood', label: 'panel: nowe ostrzeżenie (powódź)' },
  { path: '/panel/surveys', label: 'panel: ocena obsługi' },
  { path: '/account', label: 'moje konto' },
  { path: '/account/password', label: 'zmiana hasła' },
];

/**
 * The residents' portal signed in, checked as the demo resident (lib/demo.mjs:
 * DEMO_RESIDENT). The pages of one matter (its receipt, inbox, thread, request
 * to remedy deficiencies and survey) are checked by tests/portal-acceptance.test.mjs,
 * which creates them.
 */
export const residentPages = [
  { path: '/account/apps', label: 'portal: tokeny aplikacji mobilnych' },
  { path: '/', label: 'portal: strona główna po zalogowaniu' },
  { path: '/services', label: 'portal: katalog e-usług po zalogowaniu' },
  // Every demo service's form (crates/core/src/eservices/demo/*.toml).
  { path: '/services/wycinka-drzew/apply', label: 'portal: wniosek o usunięcie drzew' },
  { path: '/services/zaswiadczenie-o-zameldowaniu/apply', label: 'portal: wniosek o zaświadczenie o zameldowaniu' },
  { path: '/services/rejestracja-psa/apply', label: 'portal: rejestracja psa' },
  { path: '/services/deklaracja-odpady/apply', label: 'portal: deklaracja o odpadach' },
  { path: '/services/zmiana-deklaracji-odpady/apply', label: 'portal: zmiana deklaracji o odpadach' },
  { path: '/services/zajecie-pasa-drogowego/apply', label: 'portal: zajęcie pasa drogowego' },
  { path: '/services/zaswiadczenie-o-niezaleganiu/apply', label: 'portal: zaświadczenie o niezaleganiu' },
  { path: '/services/informacja-publiczna/apply', label: 'portal: wniosek o informację publiczną' },
  { path: '/services/wycinka-drzew/apply?saved=1', label: 'portal: wniosek po zapisaniu wersji roboczej' },
  { path: '/matters', label: 'portal: moje sprawy' },
  { path: '/notifications', label: 'portal: powiadomienia' },
  { path: '/account/notifications', label: 'portal: ustawienia powiadomień e-mail' },
  { path: '/account/notifications?saved=1', label: 'portal: ustawienia powiadomień zapisane' },
  { path: '/account', label: 'portal: moje konto (mieszkaniec)' },
  { path: '/account/password', label: 'portal: zmiana hasła (mieszkaniec)' },
  { path: '/status', label: 'portal: stan sprawy po zalogowaniu' },
  { path: '/matters/00000000-0000-7000-8000-000000000000', label: 'portal: nieznana sprawa', status: 404 },
  { path: '/matters/00000000-0000-7000-8000-000000000000/survey', label: 'portal: ankieta nieznanej sprawy', status: 404 },
  { path: '/lang/en?back=/matters', label: 'portal: my matters in English', lang: 'en' },
  { path: '/lang/en?back=/services/wycinka-drzew/apply', label: 'portal: tree-felling form in English', lang: 'en' },
  { path: '/lang/en?back=/notifications', label: 'portal: notifications in English', lang: 'en' },
  { path: '/lang/en?back=/account/notifications', label: 'portal: e-mail settings in English', lang: 'en' },
];
