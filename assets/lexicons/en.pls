<?xml version="1.0" encoding="UTF-8"?>
<!-- How Serverless Facts' English facts are read, by Amazon Polly (PutLexicon, rendered for each
     voice's language code) and by espeak-ng (the aliases substituted into the text). Aliases
     only: both engines must read a word the same way. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="en">
  <lexeme><grapheme>.NET</grapheme><alias>dot net</alias></lexeme>
  <lexeme><grapheme>EC2</grapheme><alias>E C 2</alias></lexeme>
  <lexeme><grapheme>ECR</grapheme><alias>E C R</alias></lexeme>
  <lexeme><grapheme>ECS</grapheme><alias>E C S</alias></lexeme>
  <lexeme><grapheme>EKS</grapheme><alias>E K S</alias></lexeme>
  <lexeme><grapheme>Node.js</grapheme><alias>Node J S</alias></lexeme>
  <lexeme><grapheme>PostgreSQL</grapheme><alias>Postgress Q L</alias></lexeme>
  <lexeme><grapheme>re:Invent</grapheme><alias>re Invent</alias></lexeme>
  <lexeme><grapheme>x86</grapheme><alias>x eighty-six</alias></lexeme>
</lexicon>
