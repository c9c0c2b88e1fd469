"""The checkout form's own texts (headings, buttons, messages), in the languages of
`tools/labels.py`. Field labels and problems are not here: they come from the tools."""

from __future__ import annotations

from ...tools.labels import LANGUAGES, served_language

# key -> (en, it, de, fr, es); `{n}`, `{name}`, `{count}` are filled in by the page.
_STRINGS: dict[str, tuple[str, str, str, str, str]] = {
    "title": (
        "Customer details for your booking",
        "Dati del cliente per la prenotazione",
        "Kundendaten für Ihre Buchung",
        "Coordonnées du client pour la réservation",
        "Datos del cliente para la reserva",
    ),
    "loading": ("Loading the form…", "Caricamento…", "Formular wird geladen…",
                "Chargement du formulaire…", "Cargando el formulario…"),
    "waiting": (
        "Waiting for a cart from the conversation…",
        "In attesa di un carrello dalla conversazione…",
        "Warte auf einen Warenkorb aus dem Gespräch…",
        "En attente d'un panier de la conversation…",
        "Esperando un carrito de la conversación…",
    ),
    "customer": ("Lead booker", "Intestatario", "Hauptbucher", "Réservataire", "Titular"),
    "participants": ("Participants: {name}", "Partecipanti: {name}", "Teilnehmer: {name}",
                     "Participants : {name}", "Participantes: {name}"),
    "participants_count": (
        "Exactly {count} participant(s), one per ticket.",
        "Esattamente {count} partecipante/i, uno per biglietto.",
        "Genau {count} Teilnehmer, einer pro Ticket.",
        "Exactement {count} participant(s), un par billet.",
        "Exactamente {count} participante(s), uno por entrada.",
    ),
    "participant": ("Participant {n}", "Partecipante {n}", "Teilnehmer {n}", "Participant {n}",
                    "Participante {n}"),
    "required": ("required", "obbligatorio", "Pflichtfeld", "obligatoire", "obligatorio"),
    # A missing answer in get_cart's checklist (which leaves its message out).
    "is_required": ("is required", "è obbligatorio", "ist erforderlich", "est obligatoire",
                    "es obligatorio"),
    "choose": ("Choose…", "Scegli…", "Auswählen…", "Choisir…", "Elegir…"),
    "save": ("Save details", "Salva i dati", "Angaben speichern", "Enregistrer",
             "Guardar datos"),
    "saving": ("Saving…", "Salvataggio…", "Wird gespeichert…", "Enregistrement…",
               "Guardando…"),
    "missing": ("Still missing", "Ancora mancante", "Fehlt noch", "Encore manquant",
                "Aún falta"),
    "ready": (
        "Nothing is missing: the cart is ready for the order.",
        "Non manca nulla: il carrello è pronto per l'ordine.",
        "Nichts fehlt: der Warenkorb ist bereit für die Bestellung.",
        "Rien ne manque : le panier est prêt pour la commande.",
        "No falta nada: el carrito está listo para el pedido.",
    ),
    "problems": (
        "{count} problem(s) to correct; nothing was sent for those parts.",
        "{count} problema/i da correggere; per quelle parti non è stato inviato nulla.",
        "{count} Problem(e) zu korrigieren; für diese Teile wurde nichts gesendet.",
        "{count} problème(s) à corriger ; rien n'a été envoyé pour ces parties.",
        "{count} problema(s) por corregir; no se envió nada de esas partes.",
    ),
    "participants_stored": (
        "{count} participant(s) already stored. Leave every block empty to keep them as they"
        " are, or fill in all of them to replace them.",
        "{count} partecipante/i già salvato/i. Lascia vuoti tutti i blocchi per mantenerli,"
        " oppure compilali tutti per sostituirli.",
        "{count} Teilnehmer bereits gespeichert. Lassen Sie alle Blöcke leer, um sie zu"
        " behalten, oder füllen Sie alle aus, um sie zu ersetzen.",
        "{count} participant(s) déjà enregistré(s). Laissez tous les blocs vides pour les"
        " garder, ou remplissez-les tous pour les remplacer.",
        "{count} participante(s) ya guardado(s). Deje todos los bloques vacíos para"
        " conservarlos, o rellénelos todos para sustituirlos.",
    ),
    "saved": ("Saved.", "Salvato.", "Gespeichert.", "Enregistré.", "Guardado."),
    "unchanged": (
        "Participants unchanged (nothing entered): {names}.",
        "Partecipanti invariati (nulla inserito): {names}.",
        "Teilnehmer unverändert (nichts eingegeben): {names}.",
        "Participants inchangés (rien saisi) : {names}.",
        "Participantes sin cambios (nada introducido): {names}.",
    ),
    "locked": (
        "This cart already belongs to an order: it can no longer change.",
        "Questo carrello appartiene già a un ordine: non può più cambiare.",
        "Dieser Warenkorb gehört bereits zu einer Bestellung: er kann nicht mehr geändert werden.",
        "Ce panier appartient déjà à une commande : il ne peut plus changer.",
        "Este carrito ya pertenece a un pedido: ya no puede cambiar.",
    ),
    "no_tools": (
        "This host does not let the form read or save the cart itself. Give the assistant the"
        " missing details in the chat: it saves them for you.",
        "Questo host non consente al modulo di leggere o salvare il carrello. Dai all'assistente"
        " i dati mancanti nella chat: li salva per te.",
        "Dieser Host lässt das Formular den Warenkorb nicht selbst lesen oder speichern. Geben"
        " Sie dem Assistenten die fehlenden Angaben im Chat: er speichert sie für Sie.",
        "Cet hôte ne permet pas au formulaire de lire ou d'enregistrer le panier. Donnez à"
        " l'assistant les informations manquantes dans la discussion : il les enregistre"
        " pour vous.",
        "Este host no permite que el formulario lea o guarde el carrito. Dé al asistente los"
        " datos que faltan en el chat: los guarda por usted.",
    ),
    "message": (
        "I filled in the checkout form for cart {cart}.",
        "Ho compilato il modulo per il carrello {cart}.",
        "Ich habe das Formular für den Warenkorb {cart} ausgefüllt.",
        "J'ai rempli le formulaire du panier {cart}.",
        "He rellenado el formulario del carrito {cart}.",
    ),
}  # fmt: skip


def page_strings(language: str) -> dict[str, str]:
    """The page's texts in `language` (a tag such as `it-IT`); English for any other."""
    column = LANGUAGES.index(served_language(language))
    return {key: texts[column] for key, texts in _STRINGS.items()}
