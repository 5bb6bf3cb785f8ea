<?xml version="1.0" encoding="UTF-8"?>
<!-- How Serverless Facts' Spanish facts are read, by Amazon Polly (PutLexicon, rendered for each
     voice's language code) and by espeak-ng (the aliases substituted into the text). Aliases
     only: both engines must read a word the same way. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="es">
  <lexeme><grapheme>.NET</grapheme><alias>dot net</alias></lexeme>
  <lexeme><grapheme>build</grapheme><alias>bild</alias></lexeme>
  <lexeme><grapheme>ECS</grapheme><alias>E C S</alias></lexeme>
  <lexeme><grapheme>EKS</grapheme><alias>E K S</alias></lexeme>
  <lexeme><grapheme>guided</grapheme><alias>gáided</alias></lexeme>
  <lexeme><grapheme>JSON</grapheme><alias>yeison</alias></lexeme>
  <lexeme><grapheme>MySQL</grapheme><alias>Mai SQL</alias></lexeme>
  <lexeme><grapheme>Node.js</grapheme><alias>Nod jota ese</alias></lexeme>
  <lexeme><grapheme>Polly</grapheme><alias>Poli</alias></lexeme>
  <lexeme><grapheme>re:Invent</grapheme><alias>ri Invent</alias></lexeme>
  <lexeme><grapheme>SAM</grapheme><alias>Sam</alias></lexeme>
</lexicon>
