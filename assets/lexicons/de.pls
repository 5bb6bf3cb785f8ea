<?xml version="1.0" encoding="UTF-8"?>
<!-- How Serverless Facts' German facts are read, by Amazon Polly (PutLexicon, rendered for each
     voice's language code) and by espeak-ng (the aliases substituted into the text). Aliases
     only: both engines must read a word the same way. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="de">
  <lexeme><grapheme>.NET</grapheme><alias>Dotnet</alias></lexeme>
  <lexeme><grapheme>build</grapheme><alias>bild</alias></lexeme>
  <lexeme><grapheme>ECS</grapheme><alias>E C S</alias></lexeme>
  <lexeme><grapheme>EKS</grapheme><alias>E K S</alias></lexeme>
  <lexeme><grapheme>JSON</grapheme><alias>Dschejsen</alias></lexeme>
  <lexeme><grapheme>Node.js</grapheme><alias>Nohd Jot Es</alias></lexeme>
  <lexeme><grapheme>re:Invent</grapheme><alias>Ri Invent</alias></lexeme>
  <lexeme><grapheme>SAM</grapheme><alias>Sam</alias></lexeme>
  <lexeme><grapheme>URLs</grapheme><alias>U R Ells</alias></lexeme>
</lexicon>
