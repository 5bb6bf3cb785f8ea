"""The common phrases of Alexa's built-in intents, per language, matched exactly."""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping

from factsim.model import normalize
from factsim.phrasebook import phrasebooks

YES = "AMAZON.YesIntent"
NO = "AMAZON.NoIntent"
NEXT = "AMAZON.NextIntent"
REPEAT = "AMAZON.RepeatIntent"
HELP = "AMAZON.HelpIntent"
STOP = "AMAZON.StopIntent"
CANCEL = "AMAZON.CancelIntent"
NAVIGATE_HOME = "AMAZON.NavigateHomeIntent"
FALLBACK = "AMAZON.FallbackIntent"
PAUSE = "AMAZON.PauseIntent"
RESUME = "AMAZON.ResumeIntent"
PREVIOUS = "AMAZON.PreviousIntent"
START_OVER = "AMAZON.StartOverIntent"
LOOP_ON = "AMAZON.LoopOnIntent"
LOOP_OFF = "AMAZON.LoopOffIntent"
SHUFFLE_ON = "AMAZON.ShuffleOnIntent"
SHUFFLE_OFF = "AMAZON.ShuffleOffIntent"
# What reaches the skill of the stream that plays (or is paused) without naming the skill.
PLAYBACK_INTENTS = frozenset(
    {PAUSE, RESUME, NEXT, PREVIOUS, START_OVER, LOOP_ON, LOOP_OFF, SHUFFLE_ON, SHUFFLE_OFF,
     CANCEL, STOP}
)  # fmt: skip

# Amazon trains these intents on far more phrasings; these are the ones people type most.
# Custom samples are matched first, so a phrase here that is also a sample is never used.
BUILTIN_PHRASES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "en": {
        PAUSE: ("pause", "pause it", "pause that", "hold on", "wait"),
        RESUME: ("resume", "continue", "carry on", "keep playing", "unpause", "play"),
        PREVIOUS: ("previous", "go back", "back", "previous one", "the one before"),
        START_OVER: ("start over", "restart", "from the beginning", "play it from the start"),
        LOOP_ON: ("loop", "loop on", "turn on loop", "repeat all", "keep looping"),
        LOOP_OFF: ("loop off", "turn off loop", "stop looping"),
        SHUFFLE_ON: ("shuffle", "shuffle on", "turn on shuffle", "mix it up"),
        SHUFFLE_OFF: ("shuffle off", "turn off shuffle", "stop shuffling"),
        YES: ("yes", "yeah", "yep", "yup", "sure", "yes please", "ok", "okay", "of course",
              "sure thing", "certainly", "absolutely", "alright", "all right", "why not",
              "go ahead", "sounds good", "i do", "please"),
        NO: ("no", "nope", "nah", "no thanks", "no thank you", "not now", "not really",
             "i'm good", "no way"),
        NEXT: ("next", "next one", "skip", "skip it", "skip this", "skip this one", "skip that",
               "move on", "go to the next one"),
        REPEAT: ("repeat", "say that again", "repeat that", "say it again", "repeat please",
                 "can you repeat that", "again", "come again", "pardon", "what did you say",
                 "one more time"),
        HELP: ("help", "what can i say", "help me", "i need help", "what can you do",
               "how does this work", "what do i do", "how do i use this"),
        STOP: ("stop", "shut up", "off", "turn off", "be quiet", "quiet", "stop it", "enough",
               "that's enough"),
        CANCEL: ("cancel", "never mind", "nevermind", "forget it", "cancel that"),
        NAVIGATE_HOME: ("go home", "go to home screen", "go to the home screen", "home",
                        "home screen"),
    },
    "de": {
        PAUSE: ("pause", "pausieren", "pausiere", "mach pause", "warte"),
        RESUME: ("weiter abspielen", "fortsetzen", "setze fort", "mach weiter", "weiterspielen"),
        PREVIOUS: ("zurück", "vorheriger", "der vorherige", "eins zurück"),
        START_OVER: ("von vorne", "noch mal von vorne", "neu starten", "von anfang an"),
        LOOP_ON: ("endlosschleife an", "schleife an", "wiederhole alle", "in schleife"),
        LOOP_OFF: ("endlosschleife aus", "schleife aus"),
        SHUFFLE_ON: ("zufallswiedergabe an", "shuffle an", "mische", "zufällige reihenfolge"),
        SHUFFLE_OFF: ("zufallswiedergabe aus", "shuffle aus"),
        YES: ("ja", "gerne", "gern", "ja bitte", "ja gerne", "klar", "na klar", "sicher",
              "okay", "ok", "jawohl", "genau", "natürlich", "auf jeden fall", "einverstanden"),
        NO: ("nein", "nee", "nö", "nein danke", "lieber nicht", "jetzt nicht",
             "auf keinen fall"),
        NEXT: ("weiter", "nächster", "nächste", "der nächste", "überspringen", "überspring das",
               "skip"),
        REPEAT: ("wiederhole", "wiederholen", "wiederhol das", "wiederhole das", "noch mal",
                 "nochmal", "sag das noch mal", "sag das nochmal", "wie bitte",
                 "bitte wiederholen"),
        HELP: ("hilfe", "hilf mir", "was kann ich sagen", "ich brauche hilfe",
               "wie funktioniert das", "was kannst du"),
        STOP: ("stopp", "stop", "halt", "sei still", "ruhe", "aufhören", "hör auf", "aus"),
        CANCEL: ("abbrechen", "abbruch", "vergiss es", "schon gut", "egal"),
        NAVIGATE_HOME: ("startbildschirm", "zum startbildschirm", "geh zum startbildschirm",
                        "gehe zum startbildschirm", "startseite", "zur startseite"),
    },
    "es": {
        PAUSE: ("pausa", "pausar", "pon pausa", "espera"),
        RESUME: ("continúa", "continuar", "reanuda", "reanudar", "sigue"),
        PREVIOUS: ("anterior", "el anterior", "atrás", "vuelve atrás"),
        START_OVER: ("desde el principio", "empieza de nuevo", "vuelve a empezar"),
        LOOP_ON: ("repetir todo", "activa la repetición", "en bucle"),
        LOOP_OFF: ("desactiva la repetición", "quita el bucle"),
        SHUFFLE_ON: ("aleatorio", "modo aleatorio", "activa el modo aleatorio", "mezcla"),
        SHUFFLE_OFF: ("desactiva el modo aleatorio", "quita el aleatorio"),
        YES: ("sí", "si", "vale", "claro", "sí por favor", "por supuesto", "de acuerdo", "venga",
              "ok", "okey", "dale", "cómo no", "bueno", "perfecto"),
        NO: ("no", "no gracias", "ahora no", "para nada", "mejor no", "nada"),
        NEXT: ("siguiente", "el siguiente", "próximo", "el próximo", "salta", "saltar",
               "sáltalo", "pasa"),
        REPEAT: ("repite", "repítelo", "repetir", "repite eso", "otra vez", "puedes repetir",
                 "qué has dicho", "cómo"),
        HELP: ("ayuda", "ayúdame", "qué puedo decir", "necesito ayuda", "cómo funciona"),
        STOP: ("para", "detente", "basta", "calla", "cállate", "stop", "apágate", "para ya"),
        CANCEL: ("cancela", "cancelar", "olvídalo", "déjalo", "da igual"),
        NAVIGATE_HOME: ("inicio", "ir a inicio", "ve a inicio", "pantalla de inicio",
                        "ve a la pantalla de inicio"),
    },
    "fr": {
        PAUSE: ("pause", "mets en pause", "fais une pause", "attends"),
        RESUME: ("reprends", "reprendre", "continue", "continuer", "relance"),
        PREVIOUS: ("précédent", "précédente", "la précédente", "reviens en arrière"),
        START_OVER: ("recommence", "depuis le début", "reprends depuis le début"),
        LOOP_ON: ("répète tout", "active la boucle", "en boucle"),
        LOOP_OFF: ("désactive la boucle", "arrête la boucle"),
        SHUFFLE_ON: ("aléatoire", "lecture aléatoire", "active la lecture aléatoire", "mélange"),
        SHUFFLE_OFF: ("désactive la lecture aléatoire", "arrête la lecture aléatoire"),
        YES: ("oui", "d'accord", "ouais", "bien sûr", "volontiers", "oui s'il te plaît",
              "oui s'il vous plaît", "ok", "okay", "vas-y", "vas y", "allez", "avec plaisir",
              "pourquoi pas", "carrément"),
        NO: ("non", "non merci", "pas maintenant", "pas vraiment", "sans façon"),
        NEXT: ("suivant", "suivante", "la suivante", "au suivant", "passe", "passer",
               "la prochaine"),
        REPEAT: ("répète", "répéter", "répète ça", "tu peux répéter", "redis", "redis-le",
                 "encore une fois", "pardon"),
        HELP: ("aide", "aide-moi", "aide moi", "à l'aide", "qu'est-ce que je peux dire",
               "que puis-je dire", "comment ça marche"),
        STOP: ("stop", "arrête", "arrête-toi", "tais-toi", "silence", "ça suffit", "stoppe"),
        CANCEL: ("annule", "annuler", "laisse tomber", "oublie"),
        NAVIGATE_HOME: ("accueil", "écran d'accueil", "va à l'accueil", "retour à l'accueil",
                        "aller à l'écran d'accueil"),
    },
    "ja": {
        PAUSE: ("一時停止", "一時停止して", "ポーズ", "ちょっと止めて"),
        RESUME: ("再開", "再開して", "続けて", "続きを再生して"),
        PREVIOUS: ("前", "前へ", "前の", "戻って"),
        START_OVER: ("最初から", "最初から再生して", "やり直して"),
        LOOP_ON: ("リピート再生", "ループ再生", "繰り返し再生して"),
        LOOP_OFF: ("リピート再生をオフ", "ループをやめて"),
        SHUFFLE_ON: ("シャッフル", "シャッフル再生", "シャッフルして"),
        SHUFFLE_OFF: ("シャッフルをオフ", "シャッフルをやめて"),
        YES: ("はい", "うん", "ええ", "お願い", "お願いします", "はいお願いします", "いいよ",
              "いいですよ", "オッケー", "ok", "もちろん"),
        NO: ("いいえ", "いや", "ううん", "いらない", "結構です", "けっこうです", "だめ"),
        NEXT: ("次", "次へ", "次の", "スキップ", "飛ばして"),
        REPEAT: ("もう一度", "もう一回", "繰り返して", "もう一度言って", "リピート",
                 "何て言った"),
        HELP: ("ヘルプ", "助けて", "使い方を教えて", "何て言えばいい", "どうすればいい"),
        STOP: ("ストップ", "止めて", "やめて", "静かにして", "黙って"),
        CANCEL: ("キャンセル", "取り消し", "なんでもない", "何でもない"),
        NAVIGATE_HOME: ("ホーム", "ホーム画面", "ホームに戻って", "ホーム画面に戻って"),
    },
}  # fmt: skip
# The other languages' phrases, from their phrasebooks (factsim/phrases/*.json).
BUILTIN_PHRASES = {
    **BUILTIN_PHRASES,
    **{
        language: {intent: tuple(phrases) for intent, phrases in book["builtins"].items()}
        for language, book in phrasebooks().items()
    },
}


@functools.cache
def _index(language: str) -> dict[str, str]:
    """Return normalized phrase -> intent for `language`."""
    return {
        normalize(phrase): intent
        for intent, phrases in BUILTIN_PHRASES.get(language, {}).items()
        for phrase in phrases
    }


def match_builtin(utterance: str, *, language: str, declared: Collection[str]) -> str | None:
    """Return the built-in intent `utterance` says, if the model declares it; else None."""
    intent = _index(language).get(normalize(utterance))
    return intent if intent is not None and intent in declared else None
