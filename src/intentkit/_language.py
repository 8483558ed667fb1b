"""The language call's evidence from the keyword's words: another language, or none at all.

The model's language head weighs Swedish against English, so it has to pick one of them even for
"comprar zapatos baratos" or "купить велосипед", and it reads the spelling of names too: a UK
car keyword such as "skoda octavia" looks Swedish to it. Before the model's call is taken, each
token is sorted into one of five kinds:

- **foreign**: a word of another language from the built-in lists below (Spanish, German,
  French, Italian, Portuguese, Dutch, Danish, Norwegian, Finnish; written for intentkit, words
  that are not also English or Swedish words), or a token written in another script (Cyrillic,
  Greek, Arabic, Hebrew, Devanagari, Chinese, Japanese, Korean, Thai, ...), or one with a letter
  that neither English nor Swedish uses as a letter of its own (``ø``, ``æ``, ``ß``, ``ł``, ...);
- **accented**: a token with a letter that is foreign to both languages but common in borrowed
  words and names (``ñ``, ``ç``, ``è``, ``ê``, ``ã``: "jalapeño", "façade", "crème"), half a vote;
- **name**: a brand, place or product model of the model's lexicon (or the user's own), a token
  with a digit, a domain, or a word the model has never seen that is no dictionary word or
  compound of one (mostly names: "octavia", "sportage"), unless it is spelt with å, ä or ö
  (a Swedish compound the dictionary lacks: "väggvärmare"); and the short function words English or
  Swedish share with other languages (:data:`SHARED_WORDS`: "de", "en", "la", "i", "på"), which
  show no language either;
- **word**: any other word the model knows or the lexicon's dictionary holds; among them an
  **English word** is one of the lexicon's English-only dictionary words ("estate",
  "dimensions"; :attr:`~intentkit._features.Lexicon.english`) and a **Swedish word** one spelt
  with letters English does not use (å, ä, ö, é, ü) or any other dictionary word, as it is
  Swedish or of both languages ("pris", "billig", "test").

The keyword is ``other`` when its foreign votes are at least one and at least as many as its
words (``foreign + accented / 2 >= 1`` and ``>= words``): "meilleur restaurant paris" and
"comprar zapatos baratos" are ``other``, while a foreign word among more English ones ("tienda
de muebles" aside, "jalapeño poppers recipe") leaves the model's call alone.
It is ``unknown`` when it holds no word and less than one foreign vote: a keyword of names only
("skoda octavia", "vauxhall corsa", "ikea") shows no language, as the training data's
language-neutral keywords do. Otherwise the model decides, as before.

The model's language head reads the spelling of every token, names included, so a UK car
keyword with an English word in it ("vauxhall astra estate", "kia niro ev charging time") could
still look Swedish to it. Such a keyword is ``en`` when it holds a brand or product model name
and its words include an English word and no Swedish one. Names of places do not count here:
"afternoon tea stockholm" is searched in both languages. When it was added it took about a
fifth of the Swedish calls off a pool of US keywords and cost no real-dev keyword its language.

Danish and Norwegian share most words with Swedish: only their own spellings (``ø``, ``æ``,
"hvordan", "ikke", "tilbud", "åpningstider") make them ``other``; "billig cykel" stays Swedish.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Sequence
from itertools import chain
from typing import TYPE_CHECKING

from intentkit._features import BRAND_CLASSES, DOMAIN, PLACE, SILENT_CLASSES, Featurizer
from intentkit._text import fold

if TYPE_CHECKING:
    from intentkit._model import IntArray

MODEL, NAMES_ONLY, OTHER, ENGLISH = 0, 1, 2, 3
"""Evidence codes of a keyword: the model decides; names only (``unknown``); another language;
English words beside a brand or product model (``en``)."""

_NAME, _WORD, _FOREIGN, _ACCENTED, _BRAND, _ENGLISH, _SWEDISH = range(7)
_WORDS = (_WORD, _ENGLISH, _SWEDISH)
_CACHE_LIMIT = 200_000
MODEL_CLASS = "__model__"
"""The lexicon class of a product model ("octavia", "iphone 15"): a name."""

_SPANISH = """
por que qué cómo dónde donde cuándo cuando cuánto cuanto cuesta cuestan precio precios comprar
compra barato barata baratos baratas mejor mejores cerca tienda tiendas oferta ofertas venta
alquiler zapatos ropa mujer hombre niños ninos coche coches restaurante restaurantes hoy mañana
manana receta recetas hacer significado horario horarios abierto abierta farmacia médico
dentista seguro seguros vuelos hoteles playa playas descargar sesión sesion cuenta usuario
contraseña trabajo empleo ayuda nuevo nueva nuevos usado usados segunda mano está tiene puedo
quiero necesito mis tus nuestro muy más sobre desde hasta también tambien mí barrio ciudad
"""
_GERMAN = """
und für fuer der das ein eine einen einem einer nicht ist sind wie wo warum wann welche welcher
welches kaufen günstig guenstig günstige bester besten preis preise nähe naehe öffnungszeiten
oeffnungszeiten bei zum zur vom auf nach oder auch sehr machen rezept rezepte anleitung
bestellen schuhe herren wohnung mieten haus arzt zahnarzt apotheke versicherung vergleich
erfahrungen gebraucht gebrauchte neu neue neuen kostenlos heute ich wir mein meine meinen kostet
angebot angebote herunterladen anmelden kündigen kuendigen straße strasse stadt urlaub flug
flüge ferienwohnung schnell einfach gute guten wieviel viel zu
"""
_FRENCH = """
et avec une chez près moi acheter achat chère meilleur meilleure meilleurs meilleures pourquoi
quand où quel quelle quels quoi recette recettes magasins chaussures homme enfant enfants
voiture voitures louer appartement médecin medecin pharmacie horaires ouvert ouverte aujourd'hui
demain gratuit gratuite télécharger telecharger connexion compte emploi travail neuf vente
soldes qu'est-ce c'est faire je vous nous votre près-de-moi être avoir très tres bien
"""
_ITALIAN = """
il gli della delle dei degli dello nella nel cosa quando perché perche quanto prezzi comprare
acquista acquistare economico economici economica migliore migliori vicino negozio negozi scarpe
uomo bambini macchina ristorante ristoranti oggi domani ricetta ricette orari orario aperto
gratuito scaricare accedi accesso lavoro offerta offerte usato usata nuovo affitto vendita
assicurazione sono cosè è dalla sulla
"""
_PORTUGUESE = """
das não nao onde quanto custa preço preco comprar barato melhor melhores perto mim loja lojas
sapatos mulher homem crianças criancas carro carros hoje amanhã amanha receita receitas farmácia
horário aberto grátis baixar conta senha emprego trabalho usado aluguel venda você voce fazer
está
"""
_DUTCH = """
het een niet waar waarom wanneer welke goedkoop goedkope prijs prijzen bij buurt winkel winkels
schoenen heren kinderen fiets fietsen vandaag apotheek huisarts tandarts openingstijden
downloaden inloggen wachtwoord vacatures werk aanbieding aanbiedingen tweedehands nieuw nieuwe
huren huis verzekering vergelijken ik mijn zijn hebben koop snel goed goede tegen zonder ook
"""
_DANISH = """
og ikke jeg hvad hvordan hvor hvornår hvorfor hvilken hvilke hvem købe billigste bedste tilbud
nærmeste naermeste åbningstider abningstider også meget gode lejlighed bolig forsikring tandlæge
læge sygehus vejret opskrift kylling bøger tøj børn sælge brugt brugte hjem hjemme køb
"""
_NORWEGIAN = """
og ikke jeg hva hvordan hvor hvorfor hvilken hvilke hvem kjøpe kjope billigste beste tilbud nær
naer nærmeste naermeste åpningstider apningstider nettbutikk butikk sykkel leie bestille
oppskrift reise flybilletter billetter hytte leilighet bolig ledige stillinger kommune også ogsa
etter mye noen hjemme hjem bedrift forsikring tannlege lege legevakt dyrlege rørlegger regnskap
sykehus barnehage været kylling laks brukt brukte ikkje selge
"""
_FINNISH = """
ei miten mikä mitä missä miksi kuinka paljon hinta halpa halvin halvat parhaat ostaa osta
lähellä lahella kauppa kenkä kengät naisten miesten pyörä pyora ravintola ravintolat tänään
tanaan huomenna resepti apteekki lääkäri laakari hammaslääkäri aukioloajat ilmainen ilmaiseksi
lataa kirjaudu tili salasana työpaikat tyopaikat tarjous tarjoukset käytetty kaytetty uusi
vuokra vuokrata vakuutus vertailu sää kanssa minun sinun
"""
FOREIGN_WORDS: frozenset[str] = frozenset(
    w
    for block in (
        _SPANISH,
        _GERMAN,
        _FRENCH,
        _ITALIAN,
        _PORTUGUESE,
        _DUTCH,
        _DANISH,
        _NORWEGIAN,
        _FINNISH,
    )
    for w in block.split()
)
"""Common function, question and shopping words of other languages that are not English or
Swedish words, in their own spelling and as often typed without accents; folded forms that are
English or Swedish words ("hvad" is not, "for" is) are left out of the lists by hand."""

_SHARED = """
a à al an as at au aux con da das de del den des det di die do du e el em en er es est et for
har i il in kan la las le les lo los man med met mit mot na no o om op os over pa på para per
sin som sur til um un una une van was y
"""
SHARED_WORDS: frozenset[str] = frozenset(_SHARED.split())
"""Short function words that English or Swedish share with other languages ("de", "en", "la",
"i", "på", "er"): they are evidence of no language, neither a word nor a foreign word."""

STRONG_LETTERS = frozenset("øæßłđþðħışğřěůőűţșțŀœŋ")
"""Letters neither English nor Swedish writes outside a few names: one makes a token foreign."""
WEAK_LETTERS = frozenset("ñçèêëìíîïòóôõùúûãâàáýÿžščćńśźżąęľĺŕ")
"""Letters of other languages common in borrowed words and names ("jalapeño", "crème",
"škoda"): half a foreign vote. é, ü and the Swedish å, ä, ö are not among them."""


def _script_foreign(token: str) -> bool:
    """Whether most of a token's letters are of a script other than Latin."""
    latin = other = 0
    for ch in token:
        if ch.isalpha():
            if ch.isascii() or unicodedata.name(ch, "").startswith("LATIN"):
                latin += 1
            else:
                other += 1
    return other > latin


class LanguageEvidence:
    """Sorts tokens by kind (cached per token) and gives a keyword's evidence code.

    Built from a classifier's featurizer, so the user's own brands and places count as names.
    """

    def __init__(self, featurizer: Featurizer) -> None:
        self.featurizer = featurizer
        self._kinds: dict[str, int] = {}
        self._lock = threading.Lock()

    def kind(self, token: str, cls: str | None = None) -> int:
        """The kind of a normalised token (see the module's docstring).

        ``cls`` is the token's class as the featurizer gives it alone (its lexicon class, else
        its :meth:`~intentkit._features.Featurizer.word_class`), when the caller has worked it
        out already: the scorer has, for every new token, so the compound look-up is not done twice.
        """
        kind = self._kinds.get(token)
        if kind is None:
            kind = self._kind(token, cls)
            if len(self._kinds) < _CACHE_LIMIT:
                with self._lock:
                    self._kinds[token] = kind
        return kind

    def _kind(self, token: str, cls_alone: str | None = None) -> int:
        if not token.isascii() and _script_foreign(token):
            return _FOREIGN
        if token in FOREIGN_WORDS:
            return _FOREIGN
        if token in SHARED_WORDS:
            return _NAME
        feat = self.featurizer
        folded = fold(token)
        cls = feat.lexicon_class(folded)
        if cls in BRAND_CLASSES or cls == MODEL_CLASS:
            return _BRAND
        if cls == PLACE:
            return _NAME
        if not token.isascii():
            letters = set(token)
            if not STRONG_LETTERS.isdisjoint(letters):
                return _FOREIGN
            if not WEAK_LETTERS.isdisjoint(letters):
                return _ACCENTED
        lexicon = feat.lexicon
        if folded != token:
            word = _SWEDISH
        elif folded in lexicon.english:
            word = _ENGLISH
        elif folded.isalpha() and (cls or folded in lexicon.words):
            word = _SWEDISH  # a dictionary word or noun of a kind that is not English only
        else:
            word = _WORD
        if cls:
            return word
        if any(c.isdigit() for c in token):
            return _NAME
        # Here the token has no lexicon class, so its class alone is its word class.
        wc = cls_alone if cls_alone is not None else feat.word_class(folded, feat.known, [])
        if wc in SILENT_CLASSES or wc == DOMAIN:
            return word if folded != token and token.isalpha() else _NAME
        return word

    def code(self, tokens: Sequence[str]) -> int:
        """The evidence code of a keyword's tokens.

        :data:`MODEL`, :data:`NAMES_ONLY`, :data:`OTHER` or :data:`ENGLISH` (see the module's
        docstring).
        """
        get = self._kinds.get
        kinds = [get(t) for t in tokens]
        if None in kinds:
            kinds = list(map(self.kind, tokens))
        words = sum(k in _WORDS for k in kinds)
        foreign = kinds.count(_FOREIGN) + kinds.count(_ACCENTED) / 2
        if foreign >= 1 and foreign >= words:
            return OTHER
        if not words and foreign < 1:
            return NAMES_ONLY if kinds else MODEL
        if _BRAND in kinds and _ENGLISH in kinds and _SWEDISH not in kinds:
            return ENGLISH
        return MODEL

    def codes(self, token_lists: Sequence[list[str]]) -> IntArray:
        """:meth:`code` of many keywords at once (the same codes, with array operations)."""
        import numpy as np

        n = len(token_lists)
        flat = list(chain.from_iterable(token_lists))
        kinds = np.fromiter(map(self.kind, flat), dtype=np.int64, count=len(flat))
        lengths = np.fromiter(map(len, token_lists), dtype=np.intp, count=n)
        return evidence_codes(kinds, np.repeat(np.arange(n), lengths), lengths)


def evidence_codes(kinds: IntArray, owner: IntArray, lengths: IntArray) -> IntArray:
    """The evidence code of each keyword from its tokens' kinds (``owner``: each token's keyword).

    The rule of :meth:`LanguageEvidence.code`, with array operations.
    """
    import numpy as np

    n = len(lengths)

    def count(*of: int) -> IntArray:
        return np.bincount(owner, weights=np.isin(kinds, of), minlength=n)

    words = count(*_WORDS)
    votes = (kinds == _FOREIGN) + 0.5 * (kinds == _ACCENTED)
    foreign = np.bincount(owner, weights=votes, minlength=n)
    names = (words == 0) & (foreign < 1) & (lengths > 0)
    other = (foreign >= 1) & (foreign >= words)
    english = (count(_BRAND) > 0) & (count(_ENGLISH) > 0) & (count(_SWEDISH) == 0)
    out: IntArray = np.where(
        other, OTHER, np.where(names, NAMES_ONLY, np.where(english, ENGLISH, MODEL))
    )
    return out
