<?xml version="1.0" encoding="UTF-8"?>
<!-- How Serverless Facts' Canadian French (Québec) facts are read, by Amazon Polly (PutLexicon,
     rendered for each voice's language code) and by espeak-ng (the aliases substituted into the
     text). Aliases only: both engines must read a word the same way. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="fr-CA">
  <lexeme><grapheme>.NET</grapheme><alias>dotte nette</alias></lexeme>
  <lexeme><grapheme>AWS</grapheme><alias>A W S</alias></lexeme>
  <lexeme><grapheme>build</grapheme><alias>bild</alias></lexeme>
  <lexeme><grapheme>cents</grapheme><alias>sènnte</alias></lexeme>
  <lexeme><grapheme>deploy</grapheme><alias>diploï</alias></lexeme>
  <lexeme><grapheme>DynamoDB</grapheme><alias>Dynamo D B</alias></lexeme>
  <lexeme><grapheme>EC2</grapheme><alias>E C 2</alias></lexeme>
  <lexeme><grapheme>ECR</grapheme><alias>E C R</alias></lexeme>
  <lexeme><grapheme>ECS</grapheme><alias>E C S</alias></lexeme>
  <lexeme><grapheme>EKS</grapheme><alias>E K S</alias></lexeme>
  <lexeme><grapheme>guided</grapheme><alias>gaïdède</alias></lexeme>
  <lexeme><grapheme>JSON</grapheme><alias>djeïssonne</alias></lexeme>
  <lexeme><grapheme>MySQL</grapheme><alias>Maï S Q L</alias></lexeme>
  <lexeme><grapheme>Node.js</grapheme><alias>Node J S</alias></lexeme>
  <lexeme><grapheme>PostgreSQL</grapheme><alias>Postgresse Q L</alias></lexeme>
  <lexeme><grapheme>re:Invent</grapheme><alias>ri-invènte</alias></lexeme>
  <lexeme><grapheme>Ruby</grapheme><alias>Roubi</alias></lexeme>
  <lexeme><grapheme>Rust</grapheme><alias>Reust</alias></lexeme>
  <lexeme><grapheme>SAM</grapheme><alias>Sam</alias></lexeme>
  <lexeme><grapheme>X-Ray</grapheme><alias>Ex Ré</alias></lexeme>
</lexicon>
